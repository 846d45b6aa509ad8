"""The S3 client shared by what the portal keeps in an object store (justificatifs, audit checkpoints)."""


def s3_client(
    *,
    endpoint_url: str | None,
    region: str,
    access_key_id: str | None,
    secret_access_key: str | None,
    addressing_style: str = "path",
):
    """A boto3 S3 client for any S3-compatible store: the justificatifs and the audit trail's checkpoints."""
    # Imported here: the local backend (development, most tests) never pays for loading boto3.
    import boto3
    from botocore.config import Config  # idem

    # A session of our own: boto3's default session is shared and not safe to create clients from in threads.
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=Config(
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
            retries={"max_attempts": 4, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            # Since botocore 1.36 every upload carries a CRC checksum by default, which several S3-compatible
            # stores reject; integrity is checked on our side with the sha256 anyway.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
