"""Every input form yields the same records; bad input is reported and skipped, never fatal."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bedrock_access.cloudtrail import readers
from bedrock_access.cloudtrail.readers import Problem, expand_paths, read_all, read_file
from bedrock_access.errors import InputError

from ._samples import athena_csv_text, lookup_events_text, s3_file_bytes, sample_records

EVENT_IDS = [r["eventID"] for r in sample_records()]


def _ids(items):
    return [item[2]["eventID"] for item in items if not isinstance(item, Problem)]


def _problems(items):
    return [item for item in items if isinstance(item, Problem)]


def _write(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return str(path)


def _forms(tmp_path: Path) -> dict[str, str]:
    records = sample_records()
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    return {
        "s3-gzip": _write(tmp_path / "a.json.gz", s3_file_bytes(records)),
        "s3-plain": _write(tmp_path / "b.json", json.dumps({"Records": records})),
        "lookup-events": _write(tmp_path / "c.json", lookup_events_text(records)),
        "json-lines": _write(tmp_path / "d.jsonl", lines),
        "json-lines-gzip": _write(tmp_path / "e.jsonl.gz", gzip.compress(lines.encode())),
        "json-array": _write(tmp_path / "f.json", json.dumps(records, indent=2)),
        "athena-csv": _write(tmp_path / "g.csv", athena_csv_text(records)),
        "lake-query-results": _write(
            tmp_path / "h.json",
            json.dumps(
                {
                    "QueryStatus": "FINISHED",
                    "QueryResultRows": [
                        [
                            {"eventTime": r["eventTime"]},
                            {"eventSource": r["eventSource"]},
                            {"eventName": r["eventName"]},
                            {"eventID": r["eventID"]},
                            {"awsRegion": r["awsRegion"]},
                        ]
                        for r in records
                    ],
                }
            ),
        ),
    }


@pytest.mark.parametrize(
    "form",
    [
        "s3-gzip",
        "s3-plain",
        "lookup-events",
        "json-lines",
        "json-lines-gzip",
        "json-array",
        "athena-csv",
        "lake-query-results",
    ],
)
def test_every_form_yields_every_record(tmp_path, form):
    items = list(read_file(_forms(tmp_path)[form]))
    assert _problems(items) == []
    ids = _ids(items)
    if form == "lookup-events":
        assert sorted(ids) == sorted(EVENT_IDS)  # newest first
    elif form == "lake-query-results":
        # QueryResultRows holds only the selected columns; the rows still are records
        assert ids == EVENT_IDS
    else:
        assert ids == EVENT_IDS


def test_large_documents_are_read_record_by_record(tmp_path, monkeypatch):
    # Past WHOLE_FILE_BYTES a document is never loaded whole; the records come out the same.
    monkeypatch.setattr(readers, "WHOLE_FILE_BYTES", 2_000)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 1_024)
    forms = _forms(tmp_path)
    for form in ("s3-gzip", "s3-plain", "lookup-events", "json-array"):
        items = list(read_file(forms[form]))
        assert _problems(items) == [], form
        assert sorted(_ids(items)) == sorted(EVENT_IDS), form


def test_s3_layout_is_walked_recursively_and_digests_are_skipped(tmp_path):
    records = sample_records()
    base = tmp_path / "AWSLogs" / "111122223333"
    _write(base / "CloudTrail" / "us-east-1" / "2026" / "11" / "02" / "x.json.gz", s3_file_bytes(records[:5]))
    _write(base / "CloudTrail" / "us-west-2" / "2026" / "11" / "03" / "y.json.gz", s3_file_bytes(records[5:]))
    _write(base / "CloudTrail-Digest" / "us-east-1" / "2026" / "11" / "02" / "d.json.gz", b"{}")
    _write(base / "CloudTrail" / "us-east-1" / "2026" / "11" / "02" / "notes.txt", b"not read")
    files = expand_paths([str(tmp_path / "AWSLogs")])
    assert [Path(f).name for f in files] == ["x.json.gz", "y.json.gz"]
    assert _ids(read_all(files)) == EVENT_IDS


def test_a_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        expand_paths([str(tmp_path / "nope")])
    assert "nope" in info.value.render()


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "WHOLE_FILE_BYTES", 2_000)
    data = s3_file_bytes(sample_records() * 20)
    path = _write(tmp_path / "cut.json.gz", data[: len(data) // 2])
    items = list(read_file(path))
    [problem] = _problems(items)
    assert problem.scope == "rest"
    assert "truncated" in problem.message
    assert 0 < len(_ids(items)) < len(EVENT_IDS) * 20
    assert f"read {len(_ids(items))} records" in problem.message


def test_truncated_small_gzip_is_reported_too(tmp_path):
    data = s3_file_bytes(sample_records())
    items = list(read_file(_write(tmp_path / "cut.json.gz", data[:-40])))
    [problem] = _problems(items)
    assert "truncated" in problem.message


def test_damaged_gzip_is_reported(tmp_path):
    data = bytearray(s3_file_bytes(sample_records()))
    data[30:60] = b"\xff" * 30
    items = list(read_file(_write(tmp_path / "bad.json.gz", bytes(data))))
    assert len(_problems(items)) == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"hello, world\nthis is not a log\n", "not CloudTrail"),
        (b'{"awsAccountId": "111122223333", "digestStartTime": "2026-11-02T10:00:00Z"}', "not CloudTrail"),
        (b"", "empty"),
        (b"<html></html>", "not CloudTrail"),
    ],
)
def test_files_that_are_not_cloudtrail_are_one_problem(tmp_path, content, words):
    items = list(read_file(_write(tmp_path / "x.json", content)))
    [problem] = items
    assert isinstance(problem, Problem)
    assert problem.scope == "file"
    assert words in problem.message


def test_bad_lines_and_elements_are_skipped_one_by_one(tmp_path):
    good = [json.dumps(r) for r in sample_records()[:3]]
    text = "\n".join([good[0], "{not json", good[1], "42", json.dumps({"foo": "bar"}), good[2]]) + "\n"
    items = list(read_file(_write(tmp_path / "x.jsonl", text)))
    assert _ids(items) == EVENT_IDS[:3]
    problems = _problems(items)
    assert [p.scope for p in problems] == ["record", "record", "record"]
    assert "line 2" in problems[0].message


def test_lookup_event_with_broken_cloudtrail_event_string(tmp_path):
    doc = {
        "Events": [
            {"EventId": "1", "CloudTrailEvent": "{broken"},
            {"CloudTrailEvent": json.dumps(sample_records()[0])},
        ]
    }
    items = list(read_file(_write(tmp_path / "l.json", json.dumps(doc))))
    assert _ids(items) == EVENT_IDS[:1]
    assert "CloudTrailEvent is not valid JSON" in _problems(items)[0].message


def test_malformed_array_stops_the_file_after_the_good_records(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "WHOLE_FILE_BYTES", 100)
    records = sample_records()
    text = '{"Records":[' + json.dumps(records[0]) + "," + json.dumps(records[1]) + ',{"eventName": oops}]}'
    items = list(read_file(_write(tmp_path / "m.json", text)))
    assert _ids(items) == EVENT_IDS[:2]
    [problem] = _problems(items)
    assert problem.scope == "rest" and "record 3" in problem.message


def test_an_over_long_record_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "WHOLE_FILE_BYTES", 100)
    monkeypatch.setattr(readers, "MAX_RECORD_CHARS", 5_000)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 1_000)
    huge = dict(sample_records()[0], userAgent="x" * 20_000)
    text = json.dumps({"Records": [sample_records()[1], huge]})
    items = list(read_file(_write(tmp_path / "h.json", text)))
    assert _ids(items) == EVENT_IDS[1:2]
    assert "record 2 is larger than 5000" in _problems(items)[0].message


def test_csv_without_cloudtrail_columns_is_not_cloudtrail(tmp_path):
    items = list(read_file(_write(tmp_path / "x.csv", "name,value\na,1\n")))
    assert isinstance(items[0], Problem) and "not CloudTrail" in items[0].message


def test_athena_select_star_csv_with_struct_columns(tmp_path):
    import csv as csv_module
    import io

    from bedrock_access.cloudtrail.records import failed_call

    rec = sample_records()[0]
    identity = rec["userIdentity"]
    struct = (
        f"{{type=AssumedRole, principalid={identity['principalId']}, arn={identity['arn']}, "
        f"accountid={identity['accountId']}, invokedby=null, accesskeyid={identity['accessKeyId']}, "
        "username=null, sessioncontext={attributes={mfaauthenticated=false, creationdate=2026-11-02T09:00:00Z}, "
        "sessionissuer={type=Role, principalid=AROAEXAMPLEID, arn=arn:aws:iam::111122223333:role/x, "
        "accountid=111122223333, username=AWSReservedSSO_Developer_0123456789abcdef}}}"
    )
    out = io.StringIO()
    writer = csv_module.writer(out, quoting=csv_module.QUOTE_ALL, lineterminator="\n")
    writer.writerow(
        [
            "eventversion",
            "useridentity",
            "eventtime",
            "eventsource",
            "eventname",
            "awsregion",
            "sourceipaddress",
            "useragent",
            "errorcode",
            "errormessage",
            "requestparameters",
            "responseelements",
            "additionaleventdata",
            "requestid",
            "eventid",
            "resources",
            "eventtype",
            "apiversion",
            "readonly",
            "recipientaccountid",
            "serviceeventdetails",
            "sharedeventid",
            "vpcendpointid",
            "tlsdetails",
        ]
    )
    writer.writerow(
        [
            "1.11",
            struct,
            rec["eventTime"],
            rec["eventSource"],
            rec["eventName"],
            rec["awsRegion"],
            rec["sourceIPAddress"],
            rec["userAgent"],
            rec["errorCode"],
            rec["errorMessage"],
            json.dumps(rec["requestParameters"]),
            "",
            "",
            rec["requestID"],
            rec["eventID"],
            "[]",
            "AwsApiCall",
            "",
            "true",
            rec["recipientAccountId"],
            "",
            "",
            "",
            "{tlsversion=TLSv1.3, ciphersuite=TLS_AES_128_GCM_SHA256, "
            "clientprovidedhostheader=bedrock-runtime.us-east-1.amazonaws.com}",
        ]
    )
    [item] = list(read_file(_write(tmp_path / "star.csv", out.getvalue())))
    assert not isinstance(item, Problem)
    call = failed_call(item[2], "star.csv#1")
    assert call is not None
    assert call.caller.principal == identity["arn"]
    assert call.caller.identity_center_permission_set == "Developer"
    assert call.model_id == "us.anthropic.claude-sonnet-4-6"
    assert call.endpoint == "bedrock-runtime.us-east-1.amazonaws.com"
