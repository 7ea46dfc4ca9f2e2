"""The only code that talks to AWS: ``catalog refresh`` (read-only Bedrock control-plane calls) and
``probe`` (sts:GetCallerIdentity and one tiny model call per invocation, only with ``--yes``).

boto3 is imported lazily inside these modules' functions, so nothing here runs or opens a socket unless
one of those two verbs is asked to. Endpoints come from boto3's own resolution, so ``AWS_ENDPOINT_URL``
and ``AWS_ENDPOINT_URL_<SERVICE>`` are honoured (code here never passes ``endpoint_url``).
"""
