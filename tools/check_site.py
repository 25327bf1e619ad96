#!/usr/bin/env python
"""Open every page of the built site (`tools/build_site.py`) in headless Chromium and check what a reader would see:
each page loads without script errors, every image is decoded (its natural width is not 0), every link inside the site
points at a page that exists (and at an element with that id, for `page.html#id` links), and no page asks the network
for anything. Exits 1 and lists each failure otherwise.

    pip install playwright                    # the Python driver only: the browser is the system's
    apt-get install chromium                  # Debian/Ubuntu (or: python -m playwright install chromium, online)
    python tools/check_site.py [--site _site] [--browser /usr/bin/chromium]"""
import argparse, shutil, sys
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]

JS = """() => ({
  imgs: Array.from(document.images).map(i => ({src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  title: document.title, text: document.body.innerText.length })"""

def check(site:Path, browser:str|None) -> int:
    from playwright.sync_api import sync_playwright
    pages = sorted(site.rglob('*.html'))
    if not pages: sys.exit(f'No pages in {site}: run python tools/build_site.py first')
    exe = browser or next((shutil.which(b) for b in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(b)), None)
    fails,seen,n_img,n_link = [],{},0,0
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=['--no-sandbox']) if exe else pw.chromium.launch()
        for p in pages:
            pg,errs,net = b.new_page(),[],[]       # a fresh page (and listeners) for each
            pg.on('pageerror', lambda e: errs.append(str(e)))
            pg.on('request', lambda r: net.append(r.url) if not r.url.startswith(('file:', 'data:', 'about:')) else None)
            pg.goto(p.as_uri(), wait_until='load')
            r = pg.evaluate(JS)
            rel = p.relative_to(site)
            seen[p.resolve()] = set(r['ids'])
            if r['text'] < 50: fails.append(f'{rel}: the page is (nearly) empty')
            fails += [f'{rel}: script error {e}' for e in errs]
            fails += [f'{rel}: fetches {u} from the network' for u in net]
            fails += [f'{rel}: image not shown ({i["src"]}...)' for i in r['imgs'] if not i['ok']]
            n_img += len(r['imgs'])
            for href in r['links']:
                u = urlparse(href)
                if u.scheme != 'file': continue          # links out of the site (GitHub, papers) are not checked offline
                n_link += 1
                target = Path(unquote(u.path))
                if not target.resolve().is_relative_to(site.resolve()): fails.append(f'{rel}: link out of the site to {target} (a 404 once published)')
                elif not target.exists(): fails.append(f'{rel}: broken link to {target.relative_to(site) if target.is_relative_to(site) else target}')
                elif u.fragment and target.suffix == '.html': seen.setdefault(('frag', target.resolve()), set()).add((u.fragment, str(rel)))
            pg.close()
        b.close()
    for k,v in seen.items():
        if isinstance(k, tuple):
            ids = seen.get(k[1], set())
            fails += [f'{src}: link to {k[1].name}#{frag}, which has no element with that id' for frag,src in v if frag not in ids]
    print(f'{len(pages)} pages, {n_img} images, {n_link} links inside the site: {len(fails)} problems')
    for f in fails: print('  ' + f)
    return 1 if fails else 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--site', type=Path, default=ROOT/'_site')
    ap.add_argument('--browser', help='the Chromium to drive (default: chromium on the PATH, else Playwright\'s own)')
    a = ap.parse_args()
    sys.exit(check(a.site, a.browser))
