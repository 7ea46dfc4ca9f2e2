"""Every Bedrock call that failed, read from CloudTrail, explained and grouped by cause.

The package is a pipeline with I/O only at its ends:

- :mod:`.readers` streams records out of the files CloudTrail and its query tools produce (S3-delivered
  log files and their folders, ``aws cloudtrail lookup-events`` output, CloudTrail Lake and Athena
  exports as JSON lines or CSV), in bounded memory, reporting what it cannot read instead of stopping;
- :mod:`.rows` turns an exported row (flat or dotted columns, JSON strings) back into a record;
- :mod:`.records` keeps the Bedrock runtime and bedrock-mantle calls that failed (pure);
- :mod:`.adapter` explains one failure with ``explain``'s own reading of the message, plus what the
  record adds (the only module that imports the error parser);
- :mod:`.grouping` folds the explained failures into one group per cause (pure);
- :mod:`.pipeline` runs the steps with the user's filters.

docs/cloudtrail.md describes the inputs, the output and what CloudTrail cannot show.
"""
