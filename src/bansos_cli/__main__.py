"""``python -m bansos_cli`` runs the command-line tool."""

from bansos_cli.cli import main

if __name__ == "__main__":
    main()
