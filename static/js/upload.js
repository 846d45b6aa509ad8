// Checks a file's size before it is sent, and shows the progress of a justificatif's upload.
//
// Without JavaScript the form posts normally (a file over the limit is then answered by the server, on the same
// page). With it, a file over the limit (data-max-bytes on its input) is refused at once: the message goes in the
// DSFR upload component's error area and the form is not sent, so nobody waits for 10 Mo to travel only to be
// told. An accepted justificatif goes through XMLHttpRequest so that its upload progress can be shown, then the
// page the server answers (the request's page, with a message or the error) replaces the current one.

function megabytes(bytes) {
  const value = bytes / (1024 * 1024);
  const rounded = Math.abs(value - Math.round(value)) < 0.05 ? String(Math.round(value)) : value.toFixed(1);
  return `${rounded.replace(".", ",")} Mo`;
}

function describedBy(input, without) {
  return (input.getAttribute("aria-describedby") || "").split(" ").filter((ref) => ref && ref !== without);
}

// True when the chosen file is under the limit; otherwise says why in the upload group's error area (a message
// of its own, added after the input and removed once a lighter file is chosen) and returns false.
function checkSize(input) {
  const limit = Number(input.dataset.maxBytes);
  const group = input.closest(".fr-upload-group");
  const id = `${input.id}-taille`;
  let message = document.getElementById(id);
  const file = input.files && input.files[0];
  if (!group || !limit || !file || file.size <= limit) {
    if (message) {
      message.remove();
      if (!group.querySelector(".fr-error-text")) {
        group.classList.remove("fr-upload-group--error");
        input.removeAttribute("aria-invalid");
      }
      const described = describedBy(input, id);
      if (described.length) {
        input.setAttribute("aria-describedby", described.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    }
    return true;
  }
  if (!message) {
    message = document.createElement("p");
    message.className = "fr-error-text";
    message.id = id;
    input.after(message);
  }
  message.textContent = `Ce fichier pèse ${megabytes(file.size)} : la limite est de ${megabytes(limit)} par fichier. `
    + "Choisissez un fichier plus léger, ou réduisez-le (un scan en 150 ppp suffit). Rien n'a été envoyé.";
  group.classList.add("fr-upload-group--error");
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", [...describedBy(input, id), id].join(" "));
  return false;
}

for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  input.addEventListener("change", () => checkSize(input));
  input.form?.addEventListener("submit", (event) => {
    if (!checkSize(input)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      input.focus();
    }
  });
}

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
      // The server's answer already carries its message (and consumed it): show that page as it is. After a
      // redirect the address is the page's; a refusal is answered at the form's own address, which only takes
      // POST: the address bar keeps the request's page, so that a reload shows it rather than an error.
      const answeredAt = new URL(request.responseURL || form.action, window.location.href);
      if (answeredAt.pathname !== new URL(form.action, window.location.href).pathname) {
        window.history.replaceState(null, "", `${answeredAt.pathname}${answeredAt.search}#justificatifs`);
      } else {
        window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#justificatifs`);
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
