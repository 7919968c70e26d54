from ngapcli.cli import main

main()
