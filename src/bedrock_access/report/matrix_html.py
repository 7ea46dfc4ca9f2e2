"""``matrix --format html``: one self-contained page (no network, no CDN): a grid of principals × model
and source Region, coloured by verdict, with filters and search; a click on a cell shows its hops, the
deciding statement and the error the caller will see.

The data are embedded once per decided stack; each principal row names its stack and the strings that
re-address the stack's answer to it (its ARN, its account), as :mod:`bedrock_access.matrix.decide` does.
All text reaches the page through ``textContent``, never as markup.
"""

from __future__ import annotations

import html
from typing import Any, TextIO

import orjson

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.iam.explain import describe
from bedrock_access.matrix.decide import Matrix, cell_decided_by
from bedrock_access.report.matrix_common import cause, summary

_DECISION = {"Allowed": "allow", "ImplicitlyDenied": "implicit deny", "ExplicitlyDenied": "explicit deny"}
_VERDICT_CODE = {"allowed": 0, "denied": 1, "invalid": 2}


def _detail(a: InvocationAssessment) -> dict[str, Any]:
    error = a.predicted_error
    blocking = a.blocking if a.verdict == "denied" else None
    return {
        "verdict": a.verdict,
        "authorized": list(a.authorized_regions),
        "denied": list(a.denied_regions),
        "hops": [
            [
                o.check.hop,
                o.check.resource,
                _DECISION.get(o.decision.outcome, o.decision.outcome),
                "; ".join(describe(d) for d in o.decision.decisive),
            ]
            for o in a.outcomes
        ],
        "blocking": blocking.check.hop if blocking is not None else None,
        "decided_by": [describe(d) for d in cell_decided_by(a)],
        "error": None
        if error is None
        else {"code": error.error_code, "status": error.http_status, "message": error.message},
        "findings": [[f.code, f.severity, f.message] for f in a.findings],
    }


def page_data(matrix: Matrix, *, catalog_snapshot: str) -> dict[str, Any]:
    details: list[dict[str, Any]] = []
    detail_index: dict[bytes, int] = {}
    causes: list[str] = []
    cause_index: dict[str, int] = {}
    stacks = []
    for stack in matrix.stacks:
        cells = []
        account = stack.representative.account_id
        for model in matrix.models:
            for region in matrix.regions:
                a = stack.assessments[(model, region)]
                detail = _detail(a)
                key = orjson.dumps(detail)
                if key not in detail_index:
                    detail_index[key] = len(details)
                    details.append(detail)
                why = cause(a, account)
                if why not in cause_index:
                    cause_index[why] = len(causes)
                    causes.append(why)
                cells.append([_VERDICT_CODE[a.verdict], cause_index[why], detail_index[key]])
        stacks.append(cells)
    names = {a.id: a.name for a in matrix.snapshot.accounts}
    rows = []
    for principal, caller, index in matrix.rows:
        rep = matrix.stacks[index].caller
        swaps = []
        if rep.principal != caller.principal:
            swaps.append([rep.principal, caller.principal])
        if rep.account != caller.account:
            swaps.extend(
                [
                    [f":{rep.account}:", f":{caller.account}:"],
                    [f" at {rep.account} ", f" at {caller.account} "],
                ]
            )
        rows.append(
            {
                "account": principal.account_id,
                "account_name": names.get(principal.account_id, ""),
                "arn": principal.arn,
                "caller": caller.principal,
                "permission_set": principal.permission_set,
                "stack": index,
                "swaps": swaps,
                "notes": list(principal.notes),
            }
        )
    s = summary(matrix)
    return {
        "source": matrix.snapshot.source,
        "collected_at": matrix.snapshot.collected_at,
        "catalog_snapshot": catalog_snapshot,
        "operation": matrix.operation,
        "summary": {
            "cells": s.cells,
            "principals": s.principals,
            "accounts": s.accounts,
            "stacks": s.stacks,
            **s.verdicts,
        },
        "management_account": matrix.snapshot.management_account,
        "unreadable": [
            [a.id, a.name, a.reason] for a in matrix.snapshot.accounts if a.status == "unreadable"
        ],
        "models": list(matrix.models),
        "regions": list(matrix.regions),
        "rows": rows,
        "stacks": stacks,
        "causes": causes,
        "details": details,
    }


_CSS = """
:root{--ok:#2e7d32;--deny:#c62828;--inv:#9e9e9e;--bg:#fafafa;--line:#ddd}
*{box-sizing:border-box}body{font:13px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:var(--bg);color:#222}
header{padding:10px 16px;background:#263238;color:#fff}header h1{font-size:17px;margin:0 0 4px}
header .meta{opacity:.85}.counts span{display:inline-block;margin-right:14px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;vertical-align:-1px;margin-right:4px}
.c0{background:var(--ok)}.c1{background:var(--deny)}.c2{background:var(--inv)}
#filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:8px 16px;border-bottom:1px solid var(--line);background:#fff;position:sticky;top:0;z-index:3}
#filters input[type=search]{width:260px;padding:4px 6px}#filters select{max-width:260px}
main{display:flex;gap:0;align-items:flex-start}
#gridwrap{overflow:auto;flex:1 1 auto;max-height:calc(100vh - 150px)}
table.grid{border-collapse:collapse}
.grid th,.grid td{border:1px solid var(--line);padding:0}
.grid thead th{background:#eceff1;position:sticky;top:0;z-index:2;font-weight:600}
.grid thead tr:nth-child(2) th{top:var(--h1,120px)}
.grid th.model{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;padding:4px 2px;font-size:11px;max-height:340px;overflow:hidden;text-overflow:ellipsis}
.grid th.region{writing-mode:vertical-rl;transform:rotate(180deg);font-size:10px;font-weight:400;padding:3px 1px}
.grid th.who{position:sticky;left:0;z-index:4;background:#eceff1;text-align:left;padding:4px 8px;min-width:320px}
.grid td.who{position:sticky;left:0;background:#fff;z-index:1;padding:3px 8px;white-space:nowrap;max-width:460px;overflow:hidden;text-overflow:ellipsis}
.grid td.who .acct{color:#666;font-size:11px}.grid td.who .ps{color:#1565c0;font-size:11px;margin-left:6px}
.grid td.cell{width:16px;height:20px;min-width:16px;cursor:pointer}
.grid td.cell.v0{background:var(--ok)}.grid td.cell.v1{background:var(--deny)}.grid td.cell.v2{background:var(--inv)}
.grid td.cell:hover{outline:2px solid #000;outline-offset:-2px}.grid td.cell.sel{outline:3px solid #ffb300;outline-offset:-3px}
#detail{width:520px;flex:0 0 520px;border-left:1px solid var(--line);background:#fff;padding:12px 16px;max-height:calc(100vh - 150px);overflow:auto}
#detail h2{font-size:15px;margin:0 0 6px}#detail .verdict{font-weight:700;text-transform:uppercase}
#detail .verdict.allowed{color:var(--ok)}#detail .verdict.denied{color:var(--deny)}#detail .verdict.invalid{color:#616161}
#detail table{border-collapse:collapse;width:100%;margin:6px 0;table-layout:fixed}#detail col.k1{width:34%}#detail col.k2{width:18%}#detail tr.hop td{border-bottom:0;padding-bottom:0}#detail tr.hopres td{padding-top:0}#detail td,#detail th{overflow-wrap:anywhere;border-bottom:1px solid var(--line);text-align:left;padding:3px 4px;vertical-align:top;font-size:12px}
#detail .err{background:#fff3f3;border:1px solid #f5c6c6;padding:6px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all}
#detail .res{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;color:#555;word-break:break-all}
#detail .deny{color:var(--deny);font-weight:600}#detail .allow{color:var(--ok)}
#causes{padding:8px 16px}#causes li{margin:2px 0}
.empty{padding:20px;color:#666}
"""

_JS = r"""
(function(){
const D = JSON.parse(document.getElementById('matrix-data').textContent);
const VERDICT = ['allowed','denied','invalid'];
const MAX_ROWS = 500;
const $ = (id) => document.getElementById(id);
function el(tag, cls, text){const e=document.createElement(tag); if(cls) e.className=cls; if(text!==undefined&&text!==null) e.textContent=String(text); return e;}
function swap(row, s){ if(typeof s!=='string') return s; for(const [a,b] of row.swaps){ s=s.split(a).join(b);} return s; }

// Header
$('title').textContent = 'Bedrock access matrix: ' + D.source;
$('meta').textContent = D.summary.principals+' principals in '+D.summary.accounts+' accounts × '+D.models.length+' models × '+D.regions.length+' Regions ('+D.operation+'), '+D.summary.cells+' cells, '+D.summary.stacks+' distinct policy stacks; catalog snapshot '+D.catalog_snapshot+(D.collected_at?'; collected '+D.collected_at:'');
for (const v of VERDICT){ const s=el('span'); s.appendChild(el('i','sw c'+VERDICT.indexOf(v))); s.appendChild(document.createTextNode(v+' '+(D.summary[v]||0))); $('counts').appendChild(s); }

// Filters
const accounts = [...new Map(D.rows.map(r=>[r.account, r.account_name])).entries()].sort();
for (const [id,name] of accounts){ const o=el('option',null,id+(name?' '+name:'')); o.value=id; $('f-account').appendChild(o); }
D.models.forEach((m,i)=>{ const o=el('option',null,m); o.value=String(i); $('f-model').appendChild(o); });
D.regions.forEach((r,i)=>{ const o=el('option',null,r); o.value=String(i); $('f-region').appendChild(o); });
D.causes.forEach((c,i)=>{ if(!c) return; const o=el('option',null,c.length>90?c.slice(0,90)+'…':c); o.value=String(i); o.title=c; $('f-cause').appendChild(o); });

function columns(){
  const fm=$('f-model').value, fr=$('f-region').value; const cols=[];
  D.models.forEach((m,mi)=>{ if(fm!=='' && String(mi)!==fm) return; D.regions.forEach((r,ri)=>{ if(fr!=='' && String(ri)!==fr) return; cols.push([mi,ri,mi*D.regions.length+ri]); }); });
  return cols;
}
function render(){
  const cols = columns();
  const q = $('f-search').value.trim().toLowerCase();
  const fa = $('f-account').value, fv = $('f-verdict').value, fc = $('f-cause').value;
  const table = el('table','grid'); const thead=el('thead'); const h1=el('tr'), h2=el('tr');
  const who = el('th','who','principal'); who.rowSpan=2; h1.appendChild(who);
  let lastModel=-1;
  for (const [mi,ri] of cols){ if(mi!==lastModel){ const span=cols.filter(c=>c[0]===mi).length; const th=el('th','model',D.models[mi]); th.colSpan=span; th.title=D.models[mi]; h1.appendChild(th); lastModel=mi; } const tr=el('th','region',D.regions[ri]); tr.title=D.regions[ri]; h2.appendChild(tr); }
  thead.appendChild(h1); thead.appendChild(h2); table.appendChild(thead);
  const tbody=el('tbody'); let shown=0, matching=0;
  D.rows.forEach((row,ri)=>{
    if (fa && row.account!==fa) return;
    if (q && !(row.arn.toLowerCase().includes(q) || (row.permission_set||'').toLowerCase().includes(q) || row.account.includes(q) || row.account_name.toLowerCase().includes(q))) return;
    const cells = D.stacks[row.stack];
    if (fv!=='' && !cols.some(c=>String(cells[c[2]][0])===fv)) return;
    if (fc!=='' && !cols.some(c=>String(cells[c[2]][1])===fc)) return;
    matching++;
    if (shown >= MAX_ROWS) return;  // a browser cannot hold a grid of every principal of a large organization
    const tr=el('tr'); const td=el('td','who');
    td.appendChild(el('span','acct',row.account+' ')); const res=row.arn.split(':').slice(5).join(':'); const parts=res.split('/'); td.appendChild(el('span',null,parts[0]+'/'+parts[parts.length-1]));
    if (row.permission_set) td.appendChild(el('span','ps','['+row.permission_set+']'));
    td.title=row.arn; tr.appendChild(td);
    for (const [mi,rgi,k] of cols){ const c=cells[k]; const cell=el('td','cell v'+c[0]); cell.dataset.row=String(ri); cell.dataset.col=String(k); cell.title=D.models[mi]+' from '+D.regions[rgi]+': '+VERDICT[c[0]]; tr.appendChild(cell); }
    tbody.appendChild(tr); shown++;
  });
  table.appendChild(tbody);
  const wrap=$('gridwrap'); wrap.textContent='';
  if (!shown){ wrap.appendChild(el('div','empty','No principal matches the filters.')); }
  else { wrap.appendChild(table); const first=h1.querySelector('th.model'); if(first) table.style.setProperty('--h1', first.offsetHeight+'px'); }
  $('shown').textContent = (matching > shown ? 'first '+shown+' of '+matching+' matching (filter or search to see others); ' : shown+' of ')+D.rows.length+' principals, '+cols.length+' columns';
}
function show(ri, k){
  const row=D.rows[ri]; const c=D.stacks[row.stack][k]; const d=D.details[c[2]];
  const mi=Math.floor(k/D.regions.length), rgi=k%D.regions.length;
  const box=$('detail'); box.textContent='';
  box.appendChild(el('h2',null,D.models[mi]+' from '+D.regions[rgi]));
  const p=el('div'); p.appendChild(el('span','verdict '+d.verdict,d.verdict)); p.appendChild(document.createTextNode(' for ')); p.appendChild(el('span','res',row.caller)); box.appendChild(p);
  if (row.permission_set) box.appendChild(el('div',null,'permission set: '+row.permission_set));
  for (const n of row.notes) box.appendChild(el('div','res','note: '+n));
  box.appendChild(el('div',null,'authorized in: '+(d.authorized.join(', ')||'none')+'; denied in: '+(d.denied.join(', ')||'none')));
  if (d.hops.length){
    const t=el('table'); const cg=el('colgroup'); for (const c of ['k1','k2','k3']) cg.appendChild(el('col',c)); t.appendChild(cg); const hr=el('tr'); for (const h of ['hop','decision','decided by']) hr.appendChild(el('th',null,h)); t.appendChild(hr);
    for (const [hop,res,dec,by] of d.hops){
      const tr=el('tr','hop'); tr.appendChild(el('td',null,hop)); tr.appendChild(el('td',dec==='allow'?'allow':'deny',dec)); tr.appendChild(el('td',null,swap(row,by))); t.appendChild(tr);
      const rr=el('tr','hopres'); const rc=el('td','res',swap(row,res)); rc.colSpan=3; rr.appendChild(rc); t.appendChild(rr);
    }
    box.appendChild(t);
  }
  if (d.blocking) box.appendChild(el('div',null,'blocked at: '+d.blocking));
  if (d.decided_by.length){ box.appendChild(el('div',null,'decided by:')); const ul=el('ul'); for (const s of d.decided_by) ul.appendChild(el('li',null,swap(row,s))); box.appendChild(ul); }
  if (d.error){ box.appendChild(el('div',null,'the caller will see: '+(d.error.code? d.error.code+' ('+d.error.status+')':'a connection error'))); box.appendChild(el('div','err',swap(row,d.error.message))); }
  if (d.findings.length){ const ul=el('ul'); for (const [code,sev,msg] of d.findings) ul.appendChild(el('li',null,sev+': '+swap(row,msg)+' ['+code+']')); box.appendChild(el('div',null,'findings:')); box.appendChild(ul); }
  document.querySelectorAll('td.cell.sel').forEach(e=>e.classList.remove('sel'));
  const sel=document.querySelector('td.cell[data-row="'+ri+'"][data-col="'+k+'"]'); if(sel) sel.classList.add('sel');
}
$('gridwrap').addEventListener('click', (ev)=>{ const t=ev.target.closest('td.cell'); if(t) show(Number(t.dataset.row), Number(t.dataset.col)); });
for (const id of ['f-search','f-account','f-model','f-region','f-verdict','f-cause']) $(id).addEventListener(id==='f-search'?'input':'change', render);
if (D.unreadable.length){ const ul=$('unreadable'); for (const [id,name,why] of D.unreadable) ul.appendChild(el('li',null,id+' '+name+': '+why)); $('unreadable-box').hidden=false; }
// #search=TEXT fills the search box (a link to a filtered view).
const q = /^#search=(.*)$/.exec(location.hash);
if (q){ $('f-search').value = decodeURIComponent(q[1]); }
render();
// A link to one cell: #cell=ROW,COLUMN opens it, as a click would (also how the tests drive the page).
const m = /^#cell=(\d+),(\d+)$/.exec(location.hash);
if (m){ const t=document.querySelector('td.cell[data-row="'+m[1]+'"][data-col="'+m[2]+'"]'); if(t) t.click(); }
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bedrock access matrix: {title}</title><style>{css}</style></head>
<body>
<header><h1 id="title">Bedrock access matrix</h1><div class="meta" id="meta"></div><div class="counts" id="counts"></div></header>
<div id="filters">
<input type="search" id="f-search" placeholder="search principal, permission set, account" aria-label="search">
<label>account <select id="f-account"><option value="">all</option></select></label>
<label>model <select id="f-model"><option value="">all</option></select></label>
<label>Region <select id="f-region"><option value="">all</option></select></label>
<label>verdict <select id="f-verdict"><option value="">any</option><option value="0">allowed</option><option value="1">denied</option><option value="2">invalid</option></select></label>
<label>cause <select id="f-cause"><option value="">any</option></select></label>
<span id="shown"></span>
</div>
<div id="legend" style="padding:4px 16px;font-size:12px;color:#555"><i class="sw c0"></i>allowed <i class="sw c1"></i>denied <i class="sw c2"></i>invalid (Bedrock refuses the identifier or Region before IAM) &nbsp; rows: principals; columns: model, then source Region</div>
<div id="unreadable-box" hidden style="padding:6px 16px;background:#fff8e1">Accounts not read: <ul id="unreadable"></ul></div>
<main><div id="gridwrap"></div><aside id="detail"><h2>Click a cell</h2><p>Its hops, the deciding statement and the error the caller will see appear here.</p></aside></main>
<script type="application/json" id="matrix-data">{data}</script>
<script>{js}</script>
</body></html>
"""


def write_html(matrix: Matrix, out: TextIO, *, catalog_snapshot: str) -> None:
    data = orjson.dumps(page_data(matrix, catalog_snapshot=catalog_snapshot)).decode()
    # Inside <script>, "</" or "<!--" could end the element early; "<" only occurs inside JSON strings,
    # where the escape \u003c means the same character.
    data = data.replace("<", "\\u003c")
    out.write(
        _PAGE.replace("{title}", html.escape(matrix.snapshot.source))
        .replace("{css}", _CSS)
        .replace("{js}", _JS)
        .replace("{data}", data)
    )
