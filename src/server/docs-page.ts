/**
 * Interactive API docs with no third-party assets: the page reads /openapi.json and renders each operation
 * with a "try it" form. Its script comes from this server (/docs/docs.js), so the server needs no network
 * access and the CSP allows no inline script, no other origin, and no framing by another page.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const docsHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ChipGate HTTP API</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
.key{display:flex;gap:8px;align-items:center;margin:12px 0}.key input{flex:1;font-family:monospace}
details{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;align-items:center}
.m{font-weight:700;font-family:monospace;min-width:58px;text-transform:uppercase}
.get{color:#0b6e4f}.post{color:#1f5fbf}.delete{color:#b42318}
.p{font-family:monospace}.role{margin-left:auto;font-size:12px;color:#5a6270}
.body{padding:4px 14px 14px}label{display:block;margin:6px 0 2px;font-family:monospace}
input,textarea{width:100%;box-sizing:border-box;font:13px monospace;padding:5px}textarea{min-height:140px}
button{margin-top:8px;padding:6px 14px;cursor:pointer}
pre{background:#0f141c;color:#e6e9ef;padding:10px;overflow:auto;max-height:420px;border-radius:4px}
h2{font-size:16px;margin:22px 0 6px;text-transform:capitalize}
</style></head><body>
<header><h1>ChipGate HTTP API</h1><div id="info"></div></header>
<main>
<div class="key"><span>API key</span><input id="key" type="password" autocomplete="off" placeholder="cg_… (kept in this tab only)"></div>
<div id="ops">Loading /openapi.json…</div>
</main>
<script src="/docs/docs.js"></script></body></html>`;

/** The page's script, served as /docs/docs.js so that the page needs no inline script. */
export const docsScript = `(function(){
  var keyInput=document.getElementById('key');
  keyInput.value=sessionStorage.getItem('chipgateKey')||'';
  keyInput.addEventListener('input',function(){sessionStorage.setItem('chipgateKey',keyInput.value)});
  function el(tag,attrs,children){var e=document.createElement(tag);for(var k in attrs||{}){if(k==='text')e.textContent=attrs[k];else e.setAttribute(k,attrs[k])}(children||[]).forEach(function(c){e.appendChild(c)});return e}
  fetch('/openapi.json').then(function(r){return r.json()}).then(function(doc){
    document.getElementById('info').textContent=doc.info.title+' '+doc.info.version+' (OpenAPI '+doc.openapi+')';
    var root=document.getElementById('ops');root.textContent='';
    var byTag={};
    Object.keys(doc.paths).forEach(function(path){Object.keys(doc.paths[path]).forEach(function(method){
      var op=doc.paths[path][method];(byTag[op.tags[0]]=byTag[op.tags[0]]||[]).push({path:path,method:method,op:op});
    })});
    Object.keys(byTag).forEach(function(tag){
      root.appendChild(el('h2',{text:tag}));
      byTag[tag].forEach(function(x){root.appendChild(operation(x.path,x.method,x.op))});
    });
  }).catch(function(e){document.getElementById('ops').textContent='Cannot load /openapi.json: '+e});
  function operation(path,method,op){
    var d=el('details');
    d.appendChild(el('summary',{},[el('span',{class:'m '+method,text:method}),el('span',{class:'p',text:path}),
      el('span',{text:op.summary}),el('span',{class:'role',text:op['x-chipgate-role']})]));
    var body=el('div',{class:'body'});
    body.appendChild(el('p',{text:op.description||''}));
    var inputs={};
    (op.parameters||[]).forEach(function(p){
      body.appendChild(el('label',{text:p.name+' ('+p.in+(p.required?', required':'')+')'+(p.description?' — '+p.description:'')}));
      inputs[p.name]=el('input',{placeholder:p.schema&&p.schema.example!==undefined?String(p.schema.example):''});
      inputs[p.name].dataset.where=p.in;body.appendChild(inputs[p.name]);
    });
    var text=null,ctype='application/json';
    if(op.requestBody){
      ctype=Object.keys(op.requestBody.content)[0];var media=op.requestBody.content[ctype];
      body.appendChild(el('label',{text:'body ('+ctype+')'}));
      text=el('textarea');text.value=media.example!==undefined?JSON.stringify(media.example,null,2):(ctype==='application/json'?'{}':'name,country\\n');
      body.appendChild(text);
    }
    var out=el('pre',{text:''});var btn=el('button',{text:'Send'});
    btn.addEventListener('click',function(){
      var url=path,qs=[];
      Object.keys(inputs).forEach(function(n){var v=inputs[n].value;if(v==='')return;
        if(inputs[n].dataset.where==='path')url=url.replace('{'+n+'}',encodeURIComponent(v));else qs.push(encodeURIComponent(n)+'='+encodeURIComponent(v))});
      if(qs.length)url+='?'+qs.join('&');
      var headers={};if(keyInput.value)headers.Authorization='Bearer '+keyInput.value;
      if(text)headers['Content-Type']=ctype;
      out.textContent='…';var t=performance.now();
      fetch(url,{method:method.toUpperCase(),headers:headers,body:text?text.value:undefined}).then(function(r){
        return r.text().then(function(b){var pretty=b;try{pretty=JSON.stringify(JSON.parse(b),null,2)}catch(e){}
          out.textContent=r.status+' '+r.statusText+' ('+Math.round(performance.now()-t)+' ms, request id '+r.headers.get('x-request-id')+')\\n\\n'+pretty})
      }).catch(function(e){out.textContent=String(e)});
    });
    body.appendChild(btn);body.appendChild(out);d.appendChild(body);return d;
  }
})();
`;
