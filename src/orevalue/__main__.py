from orevalue.cli import main

main()
