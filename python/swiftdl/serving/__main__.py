"""`python -m swiftdl.serving --model_name NAME --model_base_path DIR --rest_api_port PORT`."""
import argparse
import logging
import sys

from .app import ServerConfig, create_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m swiftdl.serving", description=__doc__)
    parser.add_argument("--model_name", required=True)
    parser.add_argument("--model_base_path", required=True, help="folder of numbered version folders")
    parser.add_argument("--rest_api_port", type=int, default=8501)
    parser.add_argument("--rest_api_host", default="127.0.0.1")
    parser.add_argument("--model_key_file", help="key file (owner-only) for encrypted models")
    parser.add_argument("--model_verify_key_file",
                        help="Ed25519 public key (PEM or 32 raw bytes): serve only files it signed")
    parser.add_argument("--enable_batching", type=lambda v: v.lower() in ("1", "true", "yes"), default=True)
    parser.add_argument("--max_batch_size", type=int, default=32)
    parser.add_argument("--batch_timeout_micros", type=int, default=1000)
    parser.add_argument("--max_body_bytes", type=int, default=16 << 20)
    parser.add_argument("--file_system_poll_wait_seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    key = verify_key = None
    if args.model_key_file:
        from ..keras.saving.protect import key_from_file
        key = key_from_file(args.model_key_file)
    if args.model_verify_key_file:
        with open(args.model_verify_key_file, "rb") as handle:
            verify_key = handle.read()
    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app = create_app(ServerConfig(args.model_name, args.model_base_path, key, args.max_batch_size,
                                      args.batch_timeout_micros, args.enable_batching, args.max_body_bytes,
                                      args.file_system_poll_wait_seconds, verify_key))
    except RuntimeError as error:  # TF Serving does not start on a model it cannot load either
        sys.exit(f"Failed to start server. Error: {error}")
    uvicorn.run(app, host=args.rest_api_host, port=args.rest_api_port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
