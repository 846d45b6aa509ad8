// Shows the progress of a justificatif's upload. Without JavaScript the form posts normally; with it, the same
// request goes through XMLHttpRequest so that its upload progress can be shown, then the page the server answers
// (the request's page, with a message or the error) replaces the current one.
for (const form of document.querySelectorAll("form[data-portal-upload]")) {
  form.addEventListener("submit", (event) => {
    const input = form.querySelector("input[type=file]");
    if (!input || !input.files.length || !window.FormData) {
      return;
    }
    event.preventDefault();
    const box = form.querySelector(".portal-upload-progress");
    const bar = box.querySelector("progress");
    const text = box.querySelector(".portal-upload-progress__text");
    const button = form.querySelector("button[type=submit]");
    box.hidden = false;
    button.disabled = true;
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) {
        const percent = Math.round((progress.loaded / progress.total) * 100);
        bar.value = percent;
        text.textContent = `${percent} %`;
      }
    });
    request.addEventListener("load", () => {
      // The server's answer already carries its message (and consumed it): show that page as it is.
      if (request.responseURL) {
        window.history.replaceState(null, "", `${request.responseURL}#justificatifs`);
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => {
      button.disabled = false;
      text.textContent = "L'envoi a échoué : vérifiez votre connexion et réessayez.";
    });
    request.send(new FormData(form));
  });
}
