#!/usr/bin/env python
"""Build a static site of the course: each notebook rendered with its saved outputs and figures, an index page, and the
API of each `miniai` module (names, signatures, docstrings, and the notebook that defines each).

    python tools/build_site.py               # writes _site/ (index.html, one page per notebook, api/MODULE.html)
    python tools/check_site.py               # opens every page in headless Chromium: loads, figures show, links resolve

`nbdev_docs` needs Quarto, whose PyPI package downloads its binary when installed; this needs only nbconvert, which the
dev install has. Nothing runs: the pages show the outputs committed in the notebooks (full-scale runs, see the README).
Pages are self-contained (figures embedded, no scripts or fonts from the network), so the site works offline."""
import argparse, html, importlib, inspect, re, shutil, sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html
from pygments.formatters import HtmlFormatter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # the API pages describe this checkout's miniai, whatever else is installed
MARK = '.miniai-site'             # written into the output folder: only a folder with it is ever replaced

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1100px; margin: 0 auto; padding: 0 1.5em 3em; color: #222; }
nav.top { display: flex; gap: 1.2em; padding: .8em 0; border-bottom: 1px solid #ddd; margin-bottom: 1.2em; font-size: 14px; }
nav.top .sp { flex: 1; }
a { color: #0b5cad; text-decoration: none; } a:hover { text-decoration: underline; }
pre, code { font: 13px/1.4 ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: .7em 1em; overflow-x: auto; border-radius: 4px; }
.jp-Cell { margin: .6em 0; } .jp-InputPrompt, .jp-OutputPrompt { display: none; }
.jp-OutputArea pre { background: #fff; border-left: 3px solid #e4e4e4; border-radius: 0; }
.jp-RenderedImage img, img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .8em 0; } th, td { border: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
.api dt { margin-top: 1.2em; } .api dd { margin-left: 1.5em; } .api .src { font-size: 12px; color: #666; }
"""

def page(title:str, body:str, depth:int=0, prev=None, nxt=None) -> str:
    up = '../'*depth
    links = [f'<a href="{up}index.html">miniai</a>', f'<a href="{up}index.html#notebooks">notebooks</a>', f'<a href="{up}index.html#api">API</a>', '<span class="sp"></span>']
    if prev: links.append(f'<a href="{up}{prev[0]}">&larr; {html.escape(prev[1])}</a>')
    if nxt: links.append(f'<a href="{up}{nxt[0]}">{html.escape(nxt[1])} &rarr;</a>')
    style = CSS + HtmlFormatter().get_style_defs('.highlight')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><style>{style}</style></head>\n<body><nav class="top">{"".join(links)}</nav>\n{body}\n</body></html>\n')

def fix_links(s:str) -> str:
    "Links to notebooks and the README, as written in the repository, point at their pages on the site."
    s = re.sub(r'href="(?:\.\./)?nbs/([\w.-]+)\.ipynb', r'href="\1.html', s)
    s = re.sub(r'href="([\w.-]+)\.ipynb', r'href="\1.html', s)
    s = re.sub(r'<link[^>]+href="https?://[^"]*"[^>]*>', '', s)   # stylesheets some outputs ask for (fastprogress's icons)
    return s.replace('href="README.md', 'href="index.html')

def notebooks() -> list:
    return sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if re.match(r'\d', p.name))

def nb_title(nb) -> str:
    for c in nb.cells:
        if c.cell_type == 'markdown':
            m = re.search(r'^#\s+(.+)$', c.source, re.M)
            if m: return m.group(1).strip()
    return ''

def nb_modules(nb) -> list:
    "The modules a notebook exports to: the one it starts (`default_exp`) first, then those it adds to (`#| export NAME`)."
    start = [m.group(1) for c in nb.cells if (m := re.match(r'#\|[ \t]*default_exp[ \t]+(\S+)', c.source))]
    more = [m.group(1) for c in nb.cells if c.cell_type == 'code' and (m := re.match(r'#\|[ \t]*export[ \t]+(\w+)', c.source))]
    return list(dict.fromkeys(start + more))

def tex_to_mathml(md:str) -> str:
    "The TeX of a markdown cell (`$$...$$` displayed, `$...$` inline) as MathML, which browsers draw with no script."
    try: from latex2mathml.converter import convert
    except ImportError: return md      # left as TeX (the workflow and the README install latex2mathml)
    def conv(m, display):
        try: return convert(m.group(1).strip(), display='block' if display else 'inline')
        except Exception: return m.group(0)     # TeX it cannot parse stays as written
    md = re.sub(r'\$\$(.+?)\$\$', lambda m: conv(m, True), md, flags=re.S)
    return re.sub(r'(?<![\\$\w])\$([^$\n]+?)\$(?![\w$])', lambda m: conv(m, False), md)

def render_notebook(nb) -> str:
    nb = nbformat.from_dict(nb)
    for c in nb.cells:      # the nbdev directives are for the exporter, not the reader
        if c.cell_type == 'code':
            c.source = '\n'.join(l for l in c.source.splitlines() if not l.startswith('#|'))
            c.setdefault('execution_count', None)   # nbdev_clean drops it; nbformat's schema wants it
        else: c.source = tex_to_mathml(c.source)
    nb.cells = [c for c in nb.cells if not (c.cell_type == 'code' and not c.source.strip() and not c.get('outputs'))]
    body,_ = HTMLExporter(template_name='basic', exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    return fix_links(body)

def defining_notebook(obj) -> str|None:
    "The notebook whose exported cell defines `obj`, from the `# %% ../nbs/NAME.ipynb` markers nbdev writes."
    obj = inspect.unwrap(obj)          # a `call_parse` command: the function it wraps
    try: f = Path(inspect.getsourcefile(obj)).resolve(); lines,start = inspect.getsourcelines(obj)
    except (TypeError, OSError): return None
    if not f.is_relative_to(ROOT/'miniai'): return None     # re-exported from another library (fastcore, torch...)
    src = f.read_text().splitlines()
    for l in reversed(src[:start]):
        m = re.match(r'# %% \.\./nbs/([\w.-]+)\.ipynb', l)
        if m: return m.group(1)
    return None

def api_page(mod_name:str) -> tuple:
    mod = importlib.import_module(f'miniai.{mod_name}')
    doc = (mod.__doc__ or '').strip()
    items = []
    for nm in getattr(mod, '__all__', []):
        o = getattr(mod, nm, None)
        if o is None: continue
        if inspect.isclass(o) or inspect.isfunction(o):
            try: sig = str(inspect.signature(o))
            except (TypeError, ValueError): sig = ''
            kind = 'class' if inspect.isclass(o) else 'def'
            d = inspect.getdoc(o) or ''
            src = defining_notebook(o)
        else: kind,sig,d,src = '', '', f'= {html.escape(repr(o))[:300]}', None
        where = f' <span class="src">(<a href="../{src}.html">{src}</a>)</span>' if src else ''
        items.append(f'<dt id="{nm}"><code>{kind} <b>{nm}</b>{html.escape(sig)}</code>{where}</dt><dd>{markdown2html(d) if d else ""}</dd>')
    body = f'<h1>miniai.{mod_name}</h1>{markdown2html(doc) if doc else ""}<dl class="api">{"".join(items)}</dl>'
    return body,len(items)

def build(out:Path) -> Path:
    out = out.resolve()
    if out == ROOT or out in ROOT.parents or (out.exists() and any(out.iterdir()) and not (out/MARK).exists()):
        sys.exit(f'{out} is not a site folder this script made (no {MARK} in it): give an empty or new folder for --out')
    if out.exists(): shutil.rmtree(out)
    (out/'api').mkdir(parents=True)
    (out/MARK).write_text('made by tools/build_site.py: replaced whole at each build\n')
    nbs = notebooks()
    info = []
    for p in nbs:
        nb = nbformat.read(p, as_version=4)
        info.append((p.stem, nb_title(nb) or p.stem, nb_modules(nb), nb))
    for i,(stem,title,mod,nb) in enumerate(info):
        prev = (f'{info[i-1][0]}.html', info[i-1][0]) if i else None
        nxt = (f'{info[i+1][0]}.html', info[i+1][0]) if i+1 < len(info) else None
        (out/f'{stem}.html').write_text(page(f'{stem}: {title}', render_notebook(nb), 0, prev, nxt))
        print(f'  {stem}.html')
    mods = sorted({m for _,_,ms,_ in info for m in ms})
    for m in mods:
        body,n = api_page(m)
        (out/'api'/f'{m}.html').write_text(page(f'miniai.{m}', body, 1))
        print(f'  api/{m}.html ({n} names)')
    def modlink(ms): return ', '.join(f'<a href="api/{m}.html">miniai.{m}</a>' for m in ms)
    rows = ''.join(f'<tr><td><a href="{s}.html">{s}</a></td><td>{html.escape(t)}</td><td>{modlink(m)}</td></tr>' for s,t,m,_ in info)
    api = ''.join(f'<li><a href="api/{m}.html">miniai.{m}</a></li>' for m in mods)
    body = (f'<h2 id="notebooks">Notebooks</h2><table><tr><th>notebook</th><th>title</th><th>exports to</th></tr>{rows}</table>'
            f'<h2 id="api">API</h2><ul>{api}</ul><hr>' + fix_links(markdown2html((ROOT/'README.md').read_text())))
    (out/'index.html').write_text(page('miniai', body))
    print(f'{len(info)} notebooks, {len(mods)} API pages: {out/"index.html"}')
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', type=Path, default=ROOT/'_site', help='output folder (default: _site, replaced)')
    build(ap.parse_args().out)
