from bedrock_access.cli import main

raise SystemExit(main())
