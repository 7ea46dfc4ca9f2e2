"""Policy as code: what a Terraform plan or a CloudFormation template does to the policies of a scenario.

``model`` holds the typed result of reading IaC (the policies it manages, per side: before and after);
``terraform`` and ``cloudformation`` read their formats into it; ``overlay`` lays one side over a scenario;
``compare`` decides every call on both sides and reports what changes. Nothing here evaluates policies
itself: decisions come from ``checking``, exactly as ``check`` makes them.
"""
