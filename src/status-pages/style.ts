import { createHash } from 'node:crypto';

/**
 * The status page's whole stylesheet, inlined so the page is one request and needs no JavaScript.
 * The strict CSP allows exactly this stylesheet by its hash (STYLE_HASH), not inline styles in general.
 */
export const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--text:#1f2328;--muted:#59636e;--line:#e1e4e8;--ok:#1a7f37;--okbar:#2da44e;--minor:#9a6700;--minorbar:#d4a72c;--partial:#bc4c00;--partialbar:#e16f24;--major:#cf222e;--majorbar:#e5534b;--maint:#0969da;--maintbar:#218bff;--none:#d5dae0;--bn-ok:#1f883d;--bn-minor:#9a6700;--bn-partial:#bc4c00;--bn-major:#cf222e;--bn-maint:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;--line:#30363d;--ok:#3fb950;--okbar:#2ea043;--minor:#d29922;--minorbar:#bb8009;--partial:#f0883e;--partialbar:#db6d28;--major:#f85149;--majorbar:#da3633;--maint:#4493f8;--maintbar:#1f6feb;--none:#30363d;--bn-ok:#238636;--bn-minor:#9e6a03;--bn-partial:#bd561d;--bn-major:#b62324;--bn-maint:#1f6feb}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--maint)}
.wrap{max-width:820px;margin:0 auto;padding:40px 20px 32px}
header h1{margin:0;font-size:28px;font-weight:650;letter-spacing:-.01em}
header p{margin:6px 0 0;color:var(--muted)}
.banner{display:flex;align-items:center;gap:12px;margin:28px 0;padding:16px 20px;border-radius:10px;color:#fff;font-size:18px;font-weight:600;background:var(--bn-ok)}
.banner svg{flex:none;width:24px;height:24px}
.b-degraded_performance{background:var(--bn-minor)}.b-partial_outage{background:var(--bn-partial)}.b-major_outage{background:var(--bn-major)}.b-under_maintenance{background:var(--bn-maint)}
h2{margin:36px 0 12px;font-size:17px;font-weight:650}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px}
.comp{padding:16px 20px;border-top:1px solid var(--line)}
.comp:first-child{border-top:0}
.grp>.comp{padding-left:36px}
.grp>.ghead{padding:16px 20px 2px;font-weight:650}
.ghead+.comp{border-top:0}
.grp{border-top:1px solid var(--line)}
.grp:first-child{border-top:0}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:16px}
.name{font-weight:600}
.cdesc{margin:2px 0 0;color:var(--muted);font-size:13px}
.st{flex:none;font-size:14px;font-weight:600;color:var(--ok)}
.st-degraded_performance{color:var(--minor)}.st-partial_outage{color:var(--partial)}.st-major_outage{color:var(--major)}.st-under_maintenance{color:var(--maint)}
.bars{display:flex;gap:2px;height:32px;margin-top:10px}
.bars i{flex:1;min-width:0;border-radius:2px;background:var(--okbar)}
.bars i:hover{opacity:.65}
.bars .d{background:var(--minorbar)}.bars .p{background:var(--partialbar)}.bars .o{background:var(--majorbar)}.bars .m{background:var(--maintbar)}.bars .n{background:var(--none)}
.axis{display:flex;justify-content:space-between;gap:8px;margin-top:6px;color:var(--muted);font-size:12px}
.axis .up{flex:1;text-align:center}
.d30{display:none}
@media (max-width:600px){.bars i:nth-child(-n+60){display:none}.d90{display:none}.d30{display:inline}.wrap{padding-top:24px}}
.inc{padding:16px 20px;border-left:4px solid var(--none);border-radius:10px;margin-bottom:12px}
.inc h3{margin:0;font-size:16px}
.i-minor{border-left-color:var(--minorbar)}.i-major{border-left-color:var(--partialbar)}.i-critical{border-left-color:var(--majorbar)}.i-maint{border-left-color:var(--maintbar)}
.meta{margin:4px 0 0;color:var(--muted);font-size:13px}
ol.tl{list-style:none;margin:12px 0 0;padding:0}
ol.tl li{padding:8px 0 8px 14px;border-left:2px solid var(--line)}
ol.tl p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
ol.tl time{display:block;color:var(--muted);font-size:12px;margin-top:2px}
.day{margin:0;padding:14px 0 6px;border-bottom:1px solid var(--line);font-size:15px;font-weight:650}
.quiet{margin:8px 0 4px;color:var(--muted);font-size:14px}
.past{padding:10px 0 4px}
.past summary{cursor:pointer;font-weight:600}
.past .meta{margin-left:14px}
.t-minor{color:var(--minor)}.t-major{color:var(--partial)}.t-critical{color:var(--major)}.t-maint{color:var(--maint)}
footer{margin-top:40px;padding-top:16px;border-top:1px solid var(--line);display:flex;flex-wrap:wrap;justify-content:space-between;gap:8px;color:var(--muted);font-size:13px}
footer a{color:var(--muted)}
.login{max-width:380px;margin:12vh auto 0;padding:28px}
.login h1{margin:0 0 6px;font-size:22px}
.login p{margin:0 0 18px;color:var(--muted)}
.login label{display:block;font-weight:600;margin-bottom:6px}
.login input{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--text);font:inherit}
.login button{margin-top:14px;width:100%;padding:10px;border:0;border-radius:8px;background:var(--bn-ok);color:#fff;font:inherit;font-weight:600;cursor:pointer}
.login+footer{justify-content:center;border:0}
.err{color:var(--major)!important;font-weight:600}
`.trim();

/** The CSP source that allows STYLE and nothing else inline. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
