// The isnad explorer: a single page over this server's JSON API.
//
// Hash routes: #/ (search, checkpoint, sources, checkers), #/search?q=TEXT,
// #/claim/ID, #/source/SLUG, #/checkers, #/checker/ID and #/workbench (signing
// entries with the user's own key, kept in this page only; a claim's page
// then offers its verdict, relation and amendment forms). Everything the
// API returns is written into the page as text nodes or attribute values
// through h() and svg() below, never parsed as markup; links to other
// sites are shown only when they are plain http(s) URLs.
'use strict';

(function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // Admiralty wordings (STANAG 2511), as the server's score module has them.
  const GRADE_WORDING = {
    A: 'completely reliable',
    B: 'usually reliable',
    C: 'fairly reliable',
    D: 'not usually reliable',
    E: 'unreliable',
    F: 'reliability cannot be judged',
  };
  const CREDIBILITY_WORDING = {
    1: 'confirmed by other sources',
    2: 'probably true',
    3: 'possibly true',
    4: 'doubtful',
    5: 'improbable',
    6: 'truth cannot be judged',
  };
  // How each hop stands to the one before it (FORMAT.md, chain rules).
  const RELATION_WORDING = {
    reported: 'reported it',
    quoted: 'quoted',
    cited: 'cited',
    'published-on': 'published on',
    anonymous: 'credits unnamed sources',
  };
  const RTL_LANGS = ['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'yi', 'dv', 'sd', 'ug'];

  // ---- building the page: data becomes text, never markup ----

  function setAttributes(el, attrs) {
    if (!attrs) return;
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      const lower = name.toLowerCase();
      if (lower.startsWith('on') || lower === 'style') {
        throw new Error('refusing to set the ' + name + ' attribute');
      }
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }

  function appendChildren(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  // Appends children (nodes, text, nested arrays; null and false skipped).
  function add(el, ...children) {
    appendChildren(el, children);
    return el;
  }

  // An HTML element: h('p', {class: 'x'}, 'text', otherNode, ...).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttributes(el, attrs);
    appendChildren(el, children);
    return el;
  }

  // An SVG element, the same way.
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttributes(el, attrs);
    appendChildren(el, children);
    return el;
  }

  // A link to another site, or just the text when it is not plain http(s).
  function externalLink(url, label) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (_) {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      return h('span', { class: 'url', dir: 'auto' }, label || url);
    }
    return h('a', { href: parsed.href, rel: 'noopener noreferrer nofollow', class: 'external', dir: 'auto' }, label || url);
  }

  // Text in a language: `lang` set, and the direction from the language
  // when it is written right to left, else from the text itself.
  function langAttrs(lang, extra) {
    const attrs = Object.assign({}, extra || {});
    if (lang) {
      attrs.lang = lang;
      const primary = String(lang).toLowerCase().split('-')[0];
      attrs.dir = RTL_LANGS.includes(primary) ? 'rtl' : 'auto';
    } else {
      attrs.dir = 'auto';
    }
    return attrs;
  }

  const claimHref = (id) => '#/claim/' + encodeURIComponent(id);
  const sourceHref = (slug) => '#/source/' + encodeURIComponent(slug);
  const checkerHref = (id) => '#/checker/' + encodeURIComponent(id);
  const short = (id) => (typeof id === 'string' ? id.slice(0, 8) : '');
  const num = (x, digits) => (typeof x === 'number' && isFinite(x) ? x.toFixed(digits === undefined ? 2 : digits) : '–');
  const when = (t) => (t ? h('time', { datetime: t }, String(t).replace('T', ' ').replace(/Z$/, ' UTC')) : '–');

  function gradeBadge(grade, attrs) {
    const g = grade || '?';
    const a = Object.assign({ class: 'grade grade-' + g, title: GRADE_WORDING[g] || '' }, attrs || {});
    return h('span', a, g);
  }

  function credibilityBadge(digit, attrs) {
    const a = Object.assign(
      { class: 'credibility credibility-' + digit, title: CREDIBILITY_WORDING[digit] || '' },
      attrs || {},
    );
    return h('span', a, digit === undefined || digit === null ? '?' : String(digit));
  }

  // The Admiralty pair: the origin's reliability letter and the
  // information's credibility digit ("C3").
  function pairBadge(pair, attrs) {
    const p = typeof pair === 'string' ? pair : '';
    const letter = p.charAt(0);
    const digit = p.slice(1);
    const title = p ? 'origin ' + (GRADE_WORDING[letter] || '?') + '; information ' + (CREDIBILITY_WORDING[digit] || '?') : '';
    return h('span', Object.assign({ class: 'pair grade-' + (letter || 'none'), title }, attrs || {}), p || '?');
  }

  // The flags a claim's credibility may carry, as short warnings.
  function claimFlags(cred) {
    if (!cred) return null;
    return [
      cred.disputed ? h('span', { class: 'flag' }, ' disputed (conflict ' + num(cred.conflict) + ')') : null,
      cred.misattributed ? h('span', { class: 'flag' }, ' attributed to ', h('bdi', null, cred.misattributed), ', who did not say it') : null,
      cred.circular ? h('span', { class: 'flag' }, ' circular reporting') : null,
      cred.independence_unknown ? h('span', { class: 'flag' }, ' independence unknown') : null,
    ];
  }

  function ratingBadge(rating) {
    return h('span', { class: 'rating rating-' + rating }, rating || '?');
  }

  function expectedMeter(e, label) {
    return h(
      'span',
      { class: 'expected' },
      h('meter', { min: 0, max: 1, low: 0.35, high: 0.65, optimum: 1, value: typeof e === 'number' ? e : 0, 'aria-label': label || 'expected value' }),
      ' ',
      h('span', { class: 'num' }, num(e)),
    );
  }

  function dl(rows) {
    const list = h('dl', { class: 'facts' });
    for (const [term, ...desc] of rows) {
      if (desc.length === 0 || desc[0] === null || desc[0] === undefined) continue;
      add(list, h('dt', null, term), h('dd', null, desc));
    }
    return list;
  }

  // Numbers with their meaning in plain words, shown under each value (a
  // tooltip alone would hide it on phones): rows of [term, value, words].
  function explainedFacts(rows) {
    const list = h('dl', { class: 'facts explained' });
    for (const [term, value, words] of rows) {
      if (value === null || value === undefined) continue;
      add(list, h('dt', { title: words }, term), h('dd', null, value), h('dd', { class: 'explain' }, words));
    }
    return list;
  }

  // A table's column headings with what each column means, in a legend
  // under the table and as each heading's tooltip.
  function explainedHead(columns) {
    return h('thead', null, h('tr', null, columns.map(([name, words]) => h('th', { scope: 'col', title: words }, name))));
  }

  function legend(columns) {
    const list = h('dl', { class: 'legend' });
    for (const [name, words] of columns) {
      add(list, h('dt', null, name), h('dd', null, words));
    }
    return h('details', { class: 'legend-box' }, h('summary', null, 'What the columns mean'), list);
  }

  const SOURCE_NUMBERS = {
    lower: 'The share of the weighted evidence that supports this source (belief b). Only evidence raises it, never a prior, so sources are ranked by it.',
    e: 'What to expect of this source\u2019s next statement, from 0 (false) to 1 (true): belief plus the base rate\u2019s share of what is still uncertain (b + a\u00b7u).',
    bdu: 'How the evidence splits: b for it, d against it, u not yet known. The three add up to 1; little evidence leaves u large.',
    a: 'What is expected before any evidence: set by an editor\u2019s prior grade, else the default.',
    rs: 'Weighted verdicts on its statements: r for true ratings, s for false ones, after age, dispute and each checker\u2019s weight.',
    verdicts: 'Verdicts that count toward this source: one voice per checker per claim.',
    checkers: 'Distinct fact-checkers behind those verdicts. One checker alone never gives grade A or E.',
  };

  const CLAIM_NUMBERS = {
    origin: 'The named source the chain starts from, and its reliability letter, graded without this story\u2019s own verdicts.',
    e: 'How likely the claim is true, from 0 to 1, combining what its origins are worth and what checkers found.',
    truth: 'What the fact-checkers\u2019 verdicts alone say, each checker weighted by its standing; a verdict does not fade with age.',
    bdu: 'How the evidence splits: b for the claim, d against it, u not yet known. The three add up to 1.',
    a: 'What is expected of a claim before any evidence.',
    reports: 'Recorded reports of this same story (the same text once case, accents of Arabic and spacing are set aside).',
    origins: 'Distinct named sources the reports trace back to. Repeating one origin adds nothing.',
    confirmations: 'Independent confirmations beyond the first account: other origins, and checkers who rated it true.',
    checkers: 'Fact-checkers with a voice on this story.',
  };

  const CHECKER_COLUMNS = [
    ['Checker', 'A fact-checking organisation, or a key that names none.'],
    ['Weight', 'How much its verdicts count, 0 to 1: its agreement with other checkers on the stories they share, started from the admin\u2019s prior.'],
    ['Prior', 'The admin\u2019s trust grade for it (or the default) and how many stories\u2019 worth of evidence that prior counts as.'],
    ['Shared stories', 'Stories that it and at least one other checker rated.'],
    ['Agreement \u03b1', 'How strongly its verdicts agreed with the other checkers\u2019 consensus on those stories.'],
    ['Disagreement \u03b4', 'How strongly they disagreed.'],
    ['Voices', 'Claims on which it has a verdict that counts.'],
  ];

  const EVIDENCE_COLUMNS = [
    ['Claim', 'The claim the verdict rates.'],
    ['Rating', 'The checker\u2019s rating of the claim.'],
    ['Confidence', 'How sure the checker said it was, 0 to 100 %.'],
    ['Said', 'When the claim appeared, and how long before now.'],
    ['Decay \u00d7 dispute', 'What the verdict still weighs for the source: halved for every half-life since the statement, and lowered when checkers disagree on the claim.'],
    ['Role', 'The source\u2019s part in the chain: the origin carries the claim, a relay only repeated it.'],
    ['Weight \u00d7 share', 'The checker\u2019s weight, times the share of responsibility the role carries (a relay half).'],
    ['For \u00b7 against', 'What this verdict adds to the source\u2019s evidence for (r) and against (s).'],
    ['Checker', 'Who rated it, and the key that signed.'],
  ];

  function section(id, title, ...children) {
    const headingId = id + '-heading';
    return h('section', { id, class: 'panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), children);
  }

  function errorBox(err) {
    return h('div', { class: 'error', role: 'alert' }, h('strong', null, 'Could not load this page. '), err && err.message ? err.message : String(err));
  }

  // ---- the API ----

  async function request(path, accept) {
    const response = await fetch(path, { headers: { Accept: accept }, credentials: 'same-origin' });
    const text = await response.text();
    if (!response.ok) {
      let detail = response.status + ' ' + response.statusText;
      try {
        const problem = JSON.parse(text);
        if (problem && problem.detail) detail = problem.detail;
      } catch (_) {
        // not a problem document; keep the status line
      }
      const err = new Error(detail);
      err.status = response.status;
      throw err;
    }
    return text;
  }

  const api = async (path) => JSON.parse(await request(path, 'application/json'));
  const apiText = (path) => request(path, 'text/plain');
  // A request whose failure leaves a part of the page out, not the page.
  const optional = (promise) => promise.catch((err) => ({ failed: err }));

  async function sourceNames() {
    const names = new Map();
    const all = await optional(api('/v1/sources'));
    if (all && Array.isArray(all.sources)) {
      for (const s of all.sources) names.set(s.id, s.name || s.id);
    }
    return names;
  }

  // ---- the signed checkpoint ----

  // A signed note: origin, size, root hash, a blank line, "— name sig" lines.
  function parseNote(note) {
    const [body, sigs] = String(note).split('\n\n');
    const lines = (body || '').split('\n');
    const signers = (sigs || '')
      .split('\n')
      .filter((l) => l.startsWith('\u2014 '))
      .map((l) => l.slice(2).split(' ')[0]);
    return { origin: lines[0], size: lines[1], root: lines[2], signers };
  }

  function checkpointView(note, extra) {
    const cp = parseNote(note);
    return h(
      'div',
      { class: 'checkpoint' },
      dl([
        ['Log', h('code', null, cp.origin)],
        ['Entries', h('span', { class: 'num', id: 'checkpoint-size' }, cp.size)],
        ['Root hash', h('code', { class: 'hash' }, cp.root)],
        ['Signed by', cp.signers.length ? cp.signers.join(', ') : '–'],
        ...(extra || []),
      ]),
      h('details', null, h('summary', null, 'The signed note'), h('pre', { class: 'note' }, note)),
    );
  }

  // ---- pages ----

  async function homePage(view) {
    const [head, note, sources, claims, checkers] = await Promise.all([
      optional(api('/v1/head')),
      optional(apiText('/checkpoint')),
      api('/v1/sources'),
      optional(api('/v1/claims?limit=20')),
      optional(api('/v1/checkers')),
    ]);
    add(view,
      h('h1', { tabindex: -1 }, 'Claims, their sources, and the log'),
      h(
        'p',
        { class: 'lead' },
        'Search the claims recorded in this ledger in Arabic or English, follow each claim back through the sources it came from, and see how credible they have proved.',
      ),
    );

    const cpPanel = section('checkpoint', 'Latest checkpoint');
    if (typeof note === 'string') {
      add(cpPanel,
        checkpointView(note, [
          ['Latest entry', head && !head.failed && head.time ? when(head.time) : null],
        ]),
        h('p', null, h('a', { href: '/checkpoint', download: 'checkpoint.txt', class: 'download' }, 'Download the checkpoint')),
      );
    } else {
      add(cpPanel, h('p', { class: 'muted' }, 'No signed checkpoint yet: ', note.failed.message));
    }
    add(view, cpPanel);

    const rows = (sources.sources || []).map((s, i) =>
      h(
        'tr',
        null,
        h('td', { class: 'num' }, String(i + 1)),
        h('td', null, h('a', { href: sourceHref(s.id), dir: 'auto' }, s.name || s.id), s.retracted ? h('span', { class: 'flag' }, ' retracted') : null),
        h('td', null, gradeBadge(s.grade), ' ', h('span', { class: 'grade-text' }, s.grade_text || ''), ' ', h('span', { class: 'muted' }, '(' + (s.grade_wording || GRADE_WORDING[s.grade] || '') + ')')),
        h('td', { class: 'num' }, num(s.lower)),
        h('td', null, expectedMeter(s.opinion && s.opinion.e, 'expected value of ' + (s.name || s.id))),
        h('td', { class: 'num' }, String(s.verdicts === undefined ? '–' : s.verdicts)),
      ),
    );
    add(view,
      section(
        'sources',
        'Sources, most credible first',
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'ranked' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Admiralty grade'), h('th', { scope: 'col' }, 'Lower bound'), h('th', { scope: 'col' }, 'Expected value'), h('th', { scope: 'col' }, 'Verdicts'))),
            h('tbody', null, rows),
          ),
        ),
        h('p', { class: 'muted' }, 'Ranked by the lower bound (the belief, which only evidence raises), then the expected value. Grades A and E need at least two checkers.'),
      ),
    );

    if (checkers && Array.isArray(checkers.checkers)) {
      add(view, section('checkers', 'Fact-checkers', checkerTable(checkers.checkers), h('p', null, h('a', { href: '#/checkers' }, 'How each checker\u2019s weight is set'))));
    }

    if (claims && Array.isArray(claims.claims)) {
      const names = new Map((sources.sources || []).map((src) => [src.id, src.name || src.id]));
      add(view, section('recent', 'Latest claims, newest first', claimList(claims.claims, '', names)));
    }
    return 'isnad explorer';
  }

  function claimList(claims, query, names) {
    const source = (slug) => h('a', { href: sourceHref(slug), dir: 'auto' }, (names && names.get(slug)) || slug);
    if (claims.length === 0) {
      return h('p', { class: 'empty', id: 'no-results' }, 'No claim matches \u201c', h('bdi', null, query), '\u201d.');
    }
    return h(
      'ol',
      { class: 'results', id: 'results', 'data-query': query },
      claims.map((c) => {
        const cred = c.credibility || {};
        return h(
          'li',
          { class: 'result' },
          h('a', { class: 'claim-link', href: claimHref(c.id) }, h('p', langAttrs(c.lang, { class: 'claim-snippet' }), c.text)),
          c.matched && c.matched.field === 'translation'
            ? h('p', { class: 'matched' }, 'Matched its ' + c.matched.lang + ' translation: ', h('span', langAttrs(c.matched.lang, { class: 'matched-text' }), c.matched.text))
            : null,
          h(
            'p',
            { class: 'meta' },
            when(c.date),
            ' · ',
            c.publisher ? source(c.publisher) : '–',
            c.originator && c.originator !== c.publisher ? [' \u2192 ', source(c.originator)] : null,
            ' · credibility ',
            credibilityBadge(cred.credibility),
            ' ',
            pairBadge(c.pair),
            ' · expected ',
            h('span', { class: 'num' }, num(cred.opinion && cred.opinion.e)),
            claimFlags(c.credibility),
            ' · ',
            h('code', null, short(c.id)),
          ),
        );
      }),
    );
  }

  async function searchPage(view, query) {
    const [result, names] = await Promise.all([api('/v1/claims?limit=100&q=' + encodeURIComponent(query)), sourceNames()]);
    const claims = result.claims || [];
    const total = typeof result.total === 'number' ? result.total : claims.length;
    add(view,
      h('h1', { tabindex: -1 }, query ? ['Claims matching \u201c', h('bdi', null, query), '\u201d'] : 'All claims'),
      h('p', { class: 'muted', id: 'result-count' },
        total === 1 ? '1 claim' : total + ' claims',
        claims.length < total ? ' (the best ' + claims.length + ' shown)' : '',
        ' — every word, in any order, in the claim or a translation; case, punctuation, Arabic marks, letter forms and the article do not matter; the best and most recent first'),
      claimList(claims, query, names),
    );
    return query ? 'Search: ' + query : 'All claims';
  }

  // The chain as a graph: publisher first, originator last; each edge
  // labelled with how the later hop stands to the earlier one. Left to
  // right when every hop fits the page's width; else top to bottom (a
  // phone, or a long chain), so that no hop is ever off screen.
  function chainGraph(chain) {
    const pad = 14;
    const top = 30;
    const nodeH = 84;
    // The room is the page's content column (main has a maximum width and
    // padding), less the panel's own padding: measured on the window, a
    // long chain was drawn across past the column's right edge.
    const main = document.querySelector('main');
    const style = main ? getComputedStyle(main) : null;
    const column = main
      ? main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      : (document.documentElement.clientWidth || 1024);
    const room = Math.max(260, column - 48);
    const across = pad * 2 + chain.length * 200 + Math.max(0, chain.length - 1) * 128;
    const vertical = across > room;
    const nodeW = vertical ? Math.min(room - pad * 2, 360) : 200;
    const gap = vertical ? 64 : 128;
    const width = vertical ? nodeW + pad * 2 : across;
    const height = vertical ? top + chain.length * nodeH + (chain.length - 1) * gap + pad : top + nodeH + pad + 10;
    const fits = Math.max(12, Math.floor(nodeW / 8.5));
    const graph = svg('svg', {
      id: 'chain-graph',
      class: 'chain-graph' + (vertical ? ' vertical' : ''),
      width,
      height,
      viewBox: '0 0 ' + width + ' ' + height,
      role: 'group',
      'aria-labelledby': 'chain-heading',
      'data-layout': vertical ? 'vertical' : 'horizontal',
    });
    add(graph,
      svg('defs', null, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))),
    );
    chain.forEach((hop, i) => {
      const x = vertical ? pad : pad + i * (nodeW + gap);
      const y = vertical ? top + i * (nodeH + gap) : top;
      if (i > 0) {
        const label = RELATION_WORDING[hop.relation] || hop.relation;
        const edge = vertical
          ? [
              svg('line', { x1: x + nodeW / 2, y1: y - gap + 4, x2: x + nodeW / 2, y2: y - 6, 'marker-end': 'url(#arrow)' }),
              svg('text', { x: x + nodeW / 2 + 10, y: y - gap / 2 + 4, 'text-anchor': 'start', class: 'edge-label' }, label),
            ]
          : [
              svg('line', { x1: x - gap + 4, y1: y + nodeH / 2, x2: x - 6, y2: y + nodeH / 2, 'marker-end': 'url(#arrow)' }),
              svg('text', { x: x - gap / 2, y: y + nodeH / 2 - 10, 'text-anchor': 'middle', class: 'edge-label' }, label),
            ];
        add(graph, svg('g', { class: 'chain-edge', 'data-relation': hop.relation }, edge));
      }
      const role = i === 0 ? (chain.length === 1 ? 'publisher and originator' : 'publisher') : i === chain.length - 1 ? 'originator' : 'relay';
      const name = hop.name || hop.source;
      const shown = name.length > fits ? name.slice(0, fits - 1) + '\u2026' : name;
      add(graph,
        svg(
          'a',
          { href: sourceHref(hop.source), class: 'chain-node grade-' + (hop.grade || 'none'), 'data-source': hop.source, 'data-name': name, 'aria-label': name + ', ' + role + ', grade ' + (hop.grade || 'none') },
          svg('title', null, name + ' (' + hop.source + '): ' + role + ', grade ' + (hop.grade || '?') + ' (' + (GRADE_WORDING[hop.grade] || 'no score') + '), expected value ' + num(hop.expected)),
          svg('text', { x: x + nodeW / 2, y: y - 10, 'text-anchor': 'middle', class: 'node-role' }, role + (i === 0 ? ' \u00b7 ' + (RELATION_WORDING[hop.relation] || hop.relation) : '')),
          svg('rect', { x, y, width: nodeW, height: nodeH, rx: 10, ry: 10, class: 'node-box' }),
          svg('text', { x: x + nodeW / 2, y: y + 28, 'text-anchor': 'middle', class: 'node-name' }, shown),
          svg('text', { x: x + nodeW / 2, y: y + 50, 'text-anchor': 'middle', class: 'node-grade' }, 'grade ' + (hop.grade || '?') + ' \u00b7 expected ' + num(hop.expected)),
          svg('text', { x: x + nodeW / 2, y: y + 70, 'text-anchor': 'middle', class: 'node-kind' }, hop.kind || ''),
        ),
      );
    });
    return graph;
  }

  function chainText(chain) {
    return h(
      'ol',
      { class: 'chain-list' },
      chain.map((hop, i) =>
        h(
          'li',
          null,
          h('a', { href: sourceHref(hop.source), dir: 'auto' }, hop.name || hop.source),
          ' ',
          gradeBadge(hop.grade),
          hop.grade_text ? [' ', h('span', { class: 'grade-text' }, hop.grade_text)] : null,
          ' ',
          h('span', { class: 'muted' }, i === 0 ? '(publisher, reported it)' : '(' + (RELATION_WORDING[hop.relation] || hop.relation) + ' by the hop before)'),
        ),
      ),
    );
  }

  function verdictStatus(v, counted) {
    const parts = [];
    if (v.retracted_by) parts.push(['retracted by ', h('a', { href: claimHref(v.retracted_by) }, short(v.retracted_by))]);
    else if (v.superseded_by) parts.push(['superseded by ', h('code', null, short(v.superseded_by))]);
    else if (v.current) parts.push('current');
    if (counted) {
      const st = counted.status;
      if (st === 'counts') {
        parts.push(counted.voice ? 'counts: its checker\u2019s voice (checker weight ' + num(counted.weight) + ')' : 'counts, but not a voice: its checker\u2019s later verdict on the story speaks');
      }
      else if (typeof st === 'string') parts.push('does not count: ' + st.replace(/-/g, ' '));
      else if (st && typeof st === 'object') parts.push('does not count: ' + Object.keys(st).join(', '));
    }
    return parts.flatMap((p, i) => (i === 0 ? [p] : ['; ', p]));
  }

  function verdictsView(verdicts, explained) {
    if (!verdicts.length) return h('p', { class: 'empty' }, 'No fact-checker has rated this claim yet.');
    const byId = new Map((explained || []).map((v) => [v.verdict, v]));
    return h(
      'ul',
      { class: 'verdicts' },
      verdicts.map((v) => {
        const body = v.verdict || {};
        const evidence = Array.isArray(body.evidence) ? body.evidence : [];
        return h(
          'li',
          { class: 'verdict' + (v.current ? ' current' : ' not-current'), 'data-verdict': v.id },
          h(
            'p',
            { class: 'verdict-head' },
            ratingBadge(body.rating),
            ' ',
            h('span', { class: 'confidence' }, 'confidence ' + (body.confidence === undefined ? '–' : body.confidence + '%')),
            ' · by ',
            h('span', { class: 'signer' }, v.signer || '–'),
            byId.get(v.id) && byId.get(v.id).checker ? [' for ', h('a', { href: checkerHref(byId.get(v.id).checker), class: 'checker' }, byId.get(v.id).checker)] : null,
            ' · ',
            when(v.time),
          ),
          h('p', { class: 'verdict-status' }, 'Status: ', verdictStatus(v, byId.get(v.id))),
          body.rationale ? h('p', { class: 'rationale', dir: 'auto' }, body.rationale) : null,
          evidence.length ? h('ul', { class: 'evidence' }, evidence.map((e) => h('li', null, externalLink(e)))) : null,
        );
      }),
    );
  }

  function credibilityView(cred, pair, explanation, names) {
    if (!cred) return h('p', { class: 'empty' }, 'No score: the claim is retracted or not yet replayed.');
    const o = cred.opinion || {};
    const digit = cred.credibility;
    const box = h(
      'div',
      { class: 'credibility-box' },
      h(
        'p',
        { class: 'big' },
        pairBadge(pair, { id: 'credibility-pair' }),
        ' ',
        credibilityBadge(digit, { id: 'credibility-digit' }),
        ' ',
        h('span', { class: 'wording' }, CREDIBILITY_WORDING[digit] || ''),
        h('span', { class: 'muted' }, ' (Admiralty pair: the origin\u2019s reliability A\u2013F, the information\u2019s credibility 1\u20136)'),
      ),
      explainedFacts([
        ['Origin', cred.origin ? [h('a', { href: sourceHref(cred.origin), dir: 'auto' }, names.get(cred.origin) || cred.origin), ' ', gradeBadge(cred.letter)] : 'unknown', CLAIM_NUMBERS.origin],
        ['Expected value', expectedMeter(o.e, 'expected value of the claim'), CLAIM_NUMBERS.e],
        ['Truth from the verdicts', cred.truth ? h('span', { class: 'num', id: 'truth' }, num(cred.truth.e) + ' (belief ' + num(cred.truth.b) + ', disbelief ' + num(cred.truth.d) + ', uncertainty ' + num(cred.truth.u) + ')') : 'no checker gave a value rating', CLAIM_NUMBERS.truth],
        ['Belief · disbelief · uncertainty', h('span', { class: 'num' }, num(o.b) + ' · ' + num(o.d) + ' · ' + num(o.u)), CLAIM_NUMBERS.bdu],
        ['Base rate', h('span', { class: 'num' }, num(o.a)), CLAIM_NUMBERS.a],
        ['Reports', h('span', { class: 'num', id: 'reports' }, String(cred.reports)), CLAIM_NUMBERS.reports],
        ['Independent origins', h('span', { class: 'num', id: 'origins' }, String(cred.origins)), CLAIM_NUMBERS.origins],
        ['Confirmations', h('span', { class: 'num' }, String(cred.confirmations)), CLAIM_NUMBERS.confirmations],
        ['Checkers', h('span', { class: 'num', id: 'checkers' }, String(cred.checkers)), CLAIM_NUMBERS.checkers],
      ]),
    );
    if (cred.disputed) {
      add(box, h('p', { class: 'warning disputed', id: 'disputed', role: 'note' }, h('strong', null, 'Disputed: '), 'checkers disagree (conflict ' + num(cred.conflict) + ').'));
    }
    if (cred.misattributed) {
      add(box, h('p', { class: 'warning misattributed', id: 'misattributed', role: 'note' }, h('strong', null, 'Misattributed: '), 'attributed to ', h('a', { href: sourceHref(cred.misattributed), dir: 'auto' }, names.get(cred.misattributed) || cred.misattributed), ', who did not say it.'));
    }
    if (cred.independence_unknown) {
      add(box, h('p', { class: 'warning independence', id: 'independence-unknown', role: 'note' }, h('strong', null, 'Independence unknown: '), (cred.unknown === 1 ? '1 report' : cred.unknown + ' reports') + ' of unknown origin, so whether the reports are independent cannot be told.'));
    }
    if (cred.circular) {
      add(box,
        h(
          'p',
          { class: 'warning circular', id: 'circular', role: 'note' },
          h('strong', null, 'Circular reporting: '),
          cred.reports + ' reports trace back to ' + (cred.origins === 1 ? 'a single origin' : cred.origins + ' origins') + ', so repetition does not confirm it.',
        ),
      );
    }
    const reports = (explanation && explanation.reports) || [];
    if (reports.length) {
      const name = (slug) => h('a', { href: sourceHref(slug), dir: 'auto' }, names.get(slug) || slug);
      add(box,
        h('h3', null, 'The reports behind it'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'reports' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Claim'), h('th', { scope: 'col' }, 'Chain'), h('th', { scope: 'col' }, 'Origin'), h('th', { scope: 'col' }, 'Pair'), h('th', { scope: 'col' }, 'Trust in relays'), h('th', { scope: 'col' }, 'Expected'))),
            h(
              'tbody',
              null,
              reports.map((r) =>
                h(
                  'tr',
                  null,
                  h('td', null, h('a', { href: claimHref(r.claim) }, h('code', null, short(r.claim))), r.derived_from ? h('span', { class: 'muted' }, ' derived from ', h('code', null, short(r.derived_from))) : null),
                  h('td', null, (r.chain || []).flatMap((slug, i) => (i === 0 ? [name(slug)] : [' \u2192 ', name(slug)]))),
                  h('td', null, r.origin ? name(r.origin) : 'unknown', r.misattributed ? h('span', { class: 'flag' }, ' misattributed') : null),
                  h('td', null, pairBadge(String(r.letter || '?') + String(digit))),
                  h('td', { class: 'num' }, num(r.trust)),
                  h('td', { class: 'num' }, num(r.opinion && r.opinion.e)),
                ),
              ),
            ),
          ),
        ),
      );
    }
    return box;
  }

  async function claimPage(view, id) {
    const c = await api('/v1/claims/' + encodeURIComponent(id));
    const [proof, names] = await Promise.all([optional(proofDocument(c.id)), sourceNames()]);
    const body = c.claim || {};
    const appeared = body.appeared || {};
    const chain = c.chain || [];

    add(view,
      h('h1', { tabindex: -1 }, 'Claim ', h('code', { class: 'id', title: c.id }, short(c.id))),
      c.retracted_by ? h('p', { class: 'warning retracted', role: 'note' }, 'Retracted by ', h('code', null, short(c.retracted_by)), '.') : null,
      c.amended ? h('p', { class: 'muted' }, 'Amended: shown as it stands after its amendments.') : null,
      h('blockquote', langAttrs(body.lang, { id: 'claim-text', class: 'claim-text' }), body.text),
      body.quote ? h('figure', { class: 'quote' }, h('figcaption', null, 'The words as quoted'), h('blockquote', langAttrs(body.lang), body.quote)) : null,
      (body.translations || []).map((t) =>
        h('figure', { class: 'translation' }, h('figcaption', null, 'Translation (', h('span', { lang: 'en' }, t.lang), ')'), h('blockquote', langAttrs(t.lang, { class: 'translation-text' }), t.text)),
      ),
      dl([
        ['Appeared', when(appeared.date)],
        ['Where', appeared.venue ? h('span', { dir: 'auto' }, appeared.venue) : null],
        ['Link', appeared.url ? externalLink(appeared.url) : null],
        ['Recorded', ['entry ', h('span', { class: 'num' }, String(c.seq)), ' at ', when(c.time), ' by ', c.signer || '–']],
        ['Language', body.lang],
      ]),
    );

    add(view,
      h(
        'section',
        { id: 'chain', class: 'panel', 'aria-labelledby': 'chain-heading' },
        h('h2', { id: 'chain-heading' }, 'Attribution chain'),
        h('p', { class: 'muted' }, 'From the publisher back to whoever first said it. Select a source to see its record.'),
        h('div', { class: 'graph-scroll' }, chainGraph(chain)),
        chainText(chain),
      ),
      section('verdicts', 'Verdicts', verdictsView(c.verdicts || [], c.explanation && c.explanation.verdicts)),
      section('credibility', 'Credibility', credibilityView(c.credibility, c.pair, c.explanation, names)),
    );

    add(view, proofSection(c, proof));
    add(view, await claimWriting(c, names).catch((err) => section('write', 'Sign about this claim', errorBox(err))));
    return 'Claim ' + short(c.id);
  }

  // ---- the proof of inclusion, checked in the page ----
  //
  // A reader may give the log's verifier key, the verifier keys of the
  // witnesses they trust and a quorum K; the page keeps them for this
  // tab's session. The proof panel then checks, with WebCrypto, the very
  // document it offers for download: the log's signature on its
  // checkpoint (FORMAT.md section 15), the audit path from the claim's
  // entry up to the checkpoint's root (section 17), and the witnesses'
  // cosignatures (section 19). The download is offered only when all of
  // it holds and at least K distinct listed witnesses validly cosigned;
  // otherwise the page says what failed, naming the witnesses missing and
  // those whose cosignatures do not verify. The file saved is the
  // document checked, byte for byte.

  const PROOF_CHECK_STORE = 'isnad.proof-check';
  const PROOF_MEMBERS = ['checkpoint', 'hashes', 'index', 'leaf_hash', 'origin', 'root_hash', 'tree_size'];
  const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;
  const NOTE_KEY_TYPE = 0x01;
  const COSIGNATURE_KEY_TYPE = 0x04;
  let proofBlobUrl = null;

  // The inclusion proof of a claim's entry: the document as the server
  // sent it, and parsed.
  async function proofDocument(id) {
    const text = await request('/v1/proofs/inclusion/' + encodeURIComponent(id), 'application/json');
    return { text, doc: JSON.parse(text) };
  }

  // Bytes from canonical standard padded base64, or an error naming `what`
  // (FORMAT.md section 15, "Base64": decoded, the bytes must encode back
  // to the same string).
  function strictBase64(text, what) {
    let bytes = null;
    if (typeof text === 'string' && text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      try {
        bytes = fromBase64(text);
      } catch (_) {
        bytes = null;
      }
    }
    if (!bytes || toBase64(bytes) !== text) throw new Error(what + ' is not canonical base64');
    return bytes;
  }

  // A C2SP verifier key string, `name+<key id>+base64(type ‖ key)`, as a
  // WebCrypto Ed25519 key; its id checked against its key.
  async function verifierKey(text, type, what) {
    const s = String(text).trim();
    const parts = s.split('+');
    const name = parts[0];
    if (parts.length < 3 || !name || /\s/.test(name) || !/^[0-9a-f]{8}$/.test(parts[1])) {
      throw new Error(what + ' is not a verifier key (name+id+key): ' + s.slice(0, 64));
    }
    const raw = strictBase64(parts.slice(2).join('+'), what + ' ' + name);
    if (raw.length !== 33 || raw[0] !== type) {
      throw new Error(what + ' ' + name + ' is not ' + (type === COSIGNATURE_KEY_TYPE ? 'a witness\u2019s cosignature/v1 key' : 'an Ed25519 note key'));
    }
    const publicKey = raw.slice(1);
    if ((await keyId(name, publicKey, type)) !== parts[1]) throw new Error(what + ' ' + name + ' is damaged: its key id does not match its key');
    let key;
    try {
      key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    } catch (_) {
      throw new Error('this browser cannot check Ed25519 signatures (WebCrypto)');
    }
    return { name, id: parts[1], key, text: s };
  }

  // A signed note opened far enough to check it: its text and its
  // signature lines (name, decoded blob), each line well formed.
  function noteParts(note) {
    const at = note.lastIndexOf('\n\n');
    if (at < 0) throw new Error('the checkpoint is not a signed note');
    const text = note.slice(0, at + 1);
    const sigs = note.slice(at + 2);
    if (text.includes('\n\n') || /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text) || !sigs.endsWith('\n')) {
      throw new Error('the checkpoint is not a well-formed signed note');
    }
    const lines = sigs.slice(0, -1).split('\n').map((line, i) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error('signature line ' + (i + 1) + ' of the checkpoint is malformed');
      const blob = strictBase64(m[2], 'the signature of ' + m[1]);
      if (blob.length < 4) throw new Error('the signature of ' + m[1] + ' is too short');
      return { name: m[1], blob };
    });
    return { text, lines };
  }

  const byKey = (line, key) => line.name === key.name && hex(line.blob.slice(0, 4)) === key.id;

  async function sha256(...parts) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
  }

  // The checkpoint of the document, opened with the log's key: its size
  // and root, once the log's signature verifies and its origin is the
  // key's name.
  async function openCheckpoint(note, logKey) {
    const { text, lines } = noteParts(note);
    const mine = lines.filter((l) => byKey(l, logKey));
    if (mine.length === 0) throw new Error('the checkpoint carries no signature by the log key ' + logKey.name);
    for (const l of mine) {
      const ok = l.blob.length === 68 && (await crypto.subtle.verify({ name: 'Ed25519' }, logKey.key, l.blob.slice(4), ENC.encode(text)));
      if (!ok) throw new Error('the log\u2019s signature on the checkpoint does not verify');
    }
    const [origin, size, root] = text.split('\n');
    if (origin !== logKey.name) throw new Error('the checkpoint names the log ' + origin + ', not ' + logKey.name);
    if (!/^(0|[1-9][0-9]{0,19})$/.test(size || '') || BigInt(size) >= 1n << 64n) throw new Error('the checkpoint\u2019s size line is malformed');
    if (strictBase64(root || '', 'the checkpoint\u2019s root').length !== 32) throw new Error('the checkpoint\u2019s root is not 32 bytes');
    return { text, lines, origin, size: BigInt(size), root };
  }

  // The audit path from the leaf to the root (FORMAT.md section 17).
  async function checkInclusion(p) {
    const hash = (value, what) => {
      const bytes = strictBase64(value, what);
      if (bytes.length !== 32) throw new Error(what + ' is not 32 bytes');
      return bytes;
    };
    let fn = BigInt(p.index);
    let sn = BigInt(p.tree_size) - 1n;
    if (fn > sn) throw new Error('the entry\u2019s index is not below the tree size');
    let r = hash(p.leaf_hash, 'leaf_hash');
    for (const [i, text] of p.hashes.entries()) {
      const h = hash(text, 'hashes[' + i + ']');
      if (sn === 0n) throw new Error('the audit path is too long');
      if (fn % 2n === 1n || fn === sn) {
        r = await sha256(Uint8Array.of(1), h, r);
        while (fn % 2n === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await sha256(Uint8Array.of(1), r, h);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n || toBase64(r) !== p.root_hash) throw new Error('the audit path does not lead to the checkpoint\u2019s root');
  }

  // What the note holds from each listed witness: a valid cosignature
  // (`cosigned`, with its time), only lines by its key that do not verify
  // (`invalid`), or none (`missing`).
  async function witnessStates(text, lines, witnesses) {
    return Promise.all(
      witnesses.map(async (w) => {
        let state = 'missing';
        for (const l of lines.filter((line) => byKey(line, w))) {
          if (l.blob.length === 76) {
            const time = new DataView(l.blob.buffer, l.blob.byteOffset + 4, 8).getBigUint64(0);
            const message = ENC.encode('cosignature/v1\ntime ' + time.toString() + '\n' + text);
            if (time <= MAX_COSIGNATURE_TIME && (await crypto.subtle.verify({ name: 'Ed25519' }, w.key, l.blob.slice(12), message))) {
              return { name: w.name, state: 'cosigned', time };
            }
          }
          state = 'invalid';
        }
        return { name: w.name, state };
      }),
    );
  }

  // Checks the proof document `text` of claim `c` with the reader's
  // settings; what failed, if anything, and each witness's state.
  async function checkProof(c, text, settings) {
    const logKey = await verifierKey(settings.log, NOTE_KEY_TYPE, 'the log key');
    const witnesses = [];
    for (const w of settings.witnesses) witnesses.push(await verifierKey(w, COSIGNATURE_KEY_TYPE, 'the witness key'));
    const p = JSON.parse(text);
    const members = p && typeof p === 'object' && !Array.isArray(p) ? Object.keys(p).sort() : [];
    const integer = (n) => Number.isSafeInteger(n) && n >= 0;
    if (members.join() !== PROOF_MEMBERS.join() || !integer(p.index) || !integer(p.tree_size) || !Array.isArray(p.hashes) || p.hashes.length > 130 || typeof p.checkpoint !== 'string') {
      throw new Error('the document is not an inclusion proof');
    }
    if (hex(strictBase64(p.leaf_hash, 'leaf_hash')) !== c.id) throw new Error('the proof is for another entry than this claim\u2019s');
    const cp = await openCheckpoint(p.checkpoint, logKey);
    if (p.origin !== cp.origin || BigInt(p.tree_size) !== cp.size || p.root_hash !== cp.root) {
      throw new Error('the proof\u2019s origin, size or root is not its checkpoint\u2019s');
    }
    await checkInclusion(p);
    const states = await witnessStates(cp.text, cp.lines, witnesses);
    const valid = states.filter((s) => s.state === 'cosigned').length;
    const named = (state) => states.filter((s) => s.state === state).map((s) => s.name);
    let failure = null;
    if (valid < settings.quorum) {
      failure = 'cosignatures: ' + valid + ' of the ' + settings.quorum + ' needed';
      if (named('missing').length) failure += '; missing: ' + named('missing').join(', ');
      if (named('invalid').length) failure += '; not verifying: ' + named('invalid').join(', ');
    }
    return { failure, states, valid, size: p.tree_size };
  }

  // The reader's settings for this tab's session, or null.
  function proofSettings() {
    try {
      const v = JSON.parse(sessionStorage.getItem(PROOF_CHECK_STORE) || 'null');
      return v && typeof v.log === 'string' && Array.isArray(v.witnesses) && Number.isSafeInteger(v.quorum) ? v : null;
    } catch (_) {
      return null;
    }
  }

  // The form's settings, each key checked; an error names what is wrong.
  async function readProofSettings(form) {
    const log = form.elements['log'].value.trim();
    if (!log) throw new Error('Give the log\u2019s verifier key (isnad checkpoint --vkey prints it).');
    await verifierKey(log, NOTE_KEY_TYPE, 'The log key');
    const witnesses = [];
    const lines = form.elements['witnesses'].value.split('\n').map((l) => l.trim());
    for (const [i, line] of lines.entries()) {
      if (!line) continue;
      const w = await verifierKey(line, COSIGNATURE_KEY_TYPE, 'Witness key on line ' + (i + 1));
      if (!witnesses.includes(w.text)) witnesses.push(w.text);
    }
    const raw = form.elements['quorum'].value.trim();
    const quorum = raw === '' ? witnesses.length : Number(raw);
    if (!Number.isSafeInteger(quorum) || quorum < 0) throw new Error('The quorum is a whole number: how many witnesses must have cosigned.');
    if (quorum > witnesses.length) throw new Error('The quorum is ' + quorum + ', but only ' + witnesses.length + ' distinct witnesses are listed.');
    return { log, witnesses, quorum };
  }

  function proofSettingsForm(onChange) {
    const saved = proofSettings();
    const logInput = h('input', { id: 'check-log-key', name: 'log', spellcheck: 'false' });
    const witnessInput = h('textarea', { id: 'check-witnesses', name: 'witnesses', rows: 3, spellcheck: 'false' });
    const quorumInput = h('input', { id: 'check-quorum', name: 'quorum', type: 'number', min: 0, step: 1 });
    if (saved) {
      logInput.value = saved.log;
      witnessInput.value = saved.witnesses.join('\n');
      quorumInput.value = String(saved.quorum);
    }
    const problem = h('div', { id: 'check-problem', 'aria-live': 'polite' });
    const forget = h('button', { type: 'button', id: 'check-forget' }, 'Forget them');
    const form = h(
      'form',
      { id: 'proof-check-form', class: 'proof-check-form', action: '#', autocomplete: 'off' },
      field('Log key', logInput, 'the log\u2019s verifier key'),
      field('Witnesses', witnessInput, 'witness verifier keys, one a line'),
      field('Quorum', quorumInput, 'how many of them must have cosigned; empty for all'),
      h('p', null, h('button', { type: 'submit', id: 'check-save' }, 'Check with these keys'), ' ', forget),
      problem,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      problem.replaceChildren();
      try {
        sessionStorage.setItem(PROOF_CHECK_STORE, JSON.stringify(await readProofSettings(form)));
      } catch (err) {
        problem.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'check-error' }, err.message));
        return;
      }
      await onChange();
    });
    forget.addEventListener('click', async () => {
      sessionStorage.removeItem(PROOF_CHECK_STORE);
      form.reset();
      logInput.value = '';
      witnessInput.value = '';
      quorumInput.value = '';
      await onChange();
    });
    return h(
      'details',
      { id: 'proof-check-settings', open: saved ? null : true },
      h('summary', null, 'Check it here before downloading: the log\u2019s key and your witnesses'),
      h('p', { class: 'muted' }, 'Kept for this tab\u2019s session only. With witnesses, the proof is offered only when at least the quorum of them cosigned its checkpoint, so that a log cannot show you a history the witnesses never saw.'),
      form,
    );
  }

  // The download (the server's link when nothing is checked here; the
  // checked bytes when all holds; none when it does not) and what the
  // check found.
  async function showProofCheck(c, proof, download, outcome) {
    if (proofBlobUrl) URL.revokeObjectURL(proofBlobUrl);
    proofBlobUrl = null;
    const entryLink = h('a', { href: '/v1/entries/' + encodeURIComponent(c.id) }, 'the signed entry (JSON)');
    const name = 'isnad-inclusion-' + short(c.id) + '.json';
    const settings = proofSettings();
    if (!settings || !proof || proof.failed) {
      const href = '/v1/proofs/inclusion/' + encodeURIComponent(c.id);
      download.replaceChildren(h('a', { id: 'proof-link', class: 'download', href, download: name, type: 'application/json' }, 'Download inclusion proof'), ' \u00b7 ', entryLink);
      outcome.replaceChildren(settings ? '' : h('p', { class: 'muted', id: 'proof-check-result', 'data-status': 'unchecked' }, 'Not checked in this page: give the log\u2019s key and your witnesses below to have it checked before you download it.'));
      return;
    }
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Checking the proof\u2026'));
    let result;
    try {
      result = await checkProof(c, proof.text, settings);
    } catch (err) {
      result = { failure: err && err.message ? err.message : String(err), states: [] };
    }
    const list = result.states.length
      ? h('ul', { id: 'proof-witnesses' }, result.states.map((s) => h('li', { 'data-witness': s.name, 'data-state': s.state }, h('code', null, s.name), ': ', s.state === 'cosigned' ? 'cosigned at ' + new Date(Number(s.time) * 1000).toISOString() : s.state === 'invalid' ? 'its cosignature does not verify' : 'no cosignature')))
      : null;
    if (result.failure) {
      download.replaceChildren(h('span', { id: 'proof-refused', class: 'error' }, 'Download refused: the proof does not hold with your keys.'), ' \u00b7 ', entryLink);
      outcome.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'proof-check-result', 'data-status': 'refused' }, 'Refused: ' + result.failure + '.'), list);
      return;
    }
    proofBlobUrl = URL.createObjectURL(new Blob([proof.text], { type: 'application/json' }));
    download.replaceChildren(h('a', { id: 'proof-link', class: 'download', href: proofBlobUrl, download: name, type: 'application/json', 'data-checked': 'true' }, 'Download the checked inclusion proof'), ' \u00b7 ', entryLink);
    outcome.replaceChildren(
      h(
        'p',
        { class: 'done', id: 'proof-check-result', 'data-status': 'ok' },
        'Checked in this page: the log\u2019s signature, the entry\u2019s place in the tree of ' + result.size + ' entries, and ' + (settings.quorum ? 'cosignatures from ' + result.valid + ' of your witnesses (' + settings.quorum + ' needed)' : 'no witnesses (none asked for)') + '.',
      ),
      list,
    );
  }

  function proofSection(c, proof) {
    const panel = section(
      'proof',
      'Proof of inclusion',
      h('p', null, 'The claim\u2019s entry is in the signed log. The proof and the checkpoint it ends at can be checked offline with ', h('code', null, 'isnad verify-proof'), ' or any verifier of the format, and here, in this page.'),
    );
    const download = h('p', { id: 'proof-download' });
    const outcome = h('div', { id: 'proof-check', 'aria-live': 'polite' });
    add(panel, download, outcome);
    const doc = proof && !proof.failed ? proof.doc : null;
    if (doc && typeof doc.checkpoint === 'string') {
      add(panel,
        checkpointView(doc.checkpoint, [
          ['Entry index', h('span', { class: 'num' }, String(doc.index))],
          ['Proof hashes', h('span', { class: 'num' }, String((doc.hashes || []).length))],
        ]),
      );
    } else if (proof && proof.failed) {
      add(panel, h('p', { class: 'muted' }, 'No proof yet: ', proof.failed.message));
    }
    const refresh = () => showProofCheck(c, proof, download, outcome);
    add(panel, proofSettingsForm(refresh));
    refresh().catch((err) => outcome.replaceChildren(errorBox(err)));
    return panel;
  }

  // Expected value over time: a line through the points, value labels,
  // a dashed line at the neutral 0.5.
  function historyPlot(points) {
    const W = 640;
    const H = 280;
    const m = { l: 52, r: 24, t: 24, b: 52 };
    const iw = W - m.l - m.r;
    const ih = H - m.t - m.b;
    const times = points.map((p) => Date.parse(p.time));
    const useTime = times.every((t) => isFinite(t)) && new Set(times).size === points.length && points.length > 1;
    const xs = useTime ? times : points.map((_, i) => i);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const x = (v) => m.l + (hi === lo ? iw / 2 : ((v - lo) / (hi - lo)) * iw);
    const y = (v) => m.t + (1 - Math.max(0, Math.min(1, v))) * ih;

    const plot = svg('svg', {
      id: 'history-plot',
      class: 'plot',
      width: W,
      height: H,
      viewBox: '0 0 ' + W + ' ' + H,
      role: 'img',
      'aria-labelledby': 'history-plot-title history-plot-desc',
    });
    add(plot,
      svg('title', { id: 'history-plot-title' }, 'Expected value over time'),
      svg('desc', { id: 'history-plot-desc' }, points.map((p) => num(p.expected) + ' (grade ' + p.grade + ') at ' + p.time).join('; ')),
    );
    const axes = svg('g', { class: 'axes' });
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      add(axes,
        svg('line', { x1: m.l, x2: m.l + iw, y1: y(v), y2: y(v), class: v === 0.5 ? 'grid neutral' : 'grid' }),
        svg('text', { x: m.l - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v.toFixed(2)),
      );
    }
    add(axes,
      svg('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + ih, class: 'axis' }),
      svg('line', { x1: m.l, x2: m.l + iw, y1: m.t + ih, y2: m.t + ih, class: 'axis' }),
      svg('text', { x: 14, y: m.t + ih / 2, 'text-anchor': 'middle', class: 'axis-title', transform: 'rotate(-90 14 ' + (m.t + ih / 2) + ')' }, 'expected value'),
      svg('text', { x: m.l + iw / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-title' }, useTime ? 'time (UTC)' : 'ledger position'),
    );
    const xLabel = (p) => (useTime ? String(p.time).replace('T', ' ').replace(/:00Z$|Z$/, '') : 'entry ' + p.seq);
    const first = points[0];
    const last = points[points.length - 1];
    add(axes, svg('text', { x: x(xs[0]), y: m.t + ih + 18, 'text-anchor': points.length > 1 ? 'start' : 'middle', class: 'tick' }, xLabel(first)));
    if (points.length > 1) {
      add(axes, svg('text', { x: x(xs[xs.length - 1]), y: m.t + ih + 18, 'text-anchor': 'end', class: 'tick' }, xLabel(last)));
    }
    add(plot, axes);

    if (points.length > 1) {
      const d = points.map((p, i) => (i === 0 ? 'M' : 'L') + x(xs[i]).toFixed(1) + ',' + y(p.expected).toFixed(1)).join(' ');
      add(plot, svg('path', { d, class: 'series' }));
    }
    // Value labels, from the latest back, skipping any that would overlap
    // the one already placed to its right.
    const labelled = new Set();
    let lastX = Infinity;
    for (let i = points.length - 1; i >= 0; i--) {
      const px = x(xs[i]);
      if (lastX - px >= 56) {
        labelled.add(i);
        lastX = px;
      }
    }
    points.forEach((p, i) => {
      const px = x(xs[i]);
      const py = y(p.expected);
      const g = svg(
        'g',
        { class: 'point-group' },
        svg('circle', { cx: px.toFixed(1), cy: py.toFixed(1), r: 5, class: 'point grade-' + p.grade, 'data-seq': p.seq, 'data-expected': p.expected }, svg('title', null, 'entry ' + p.seq + ', ' + p.time + ': expected ' + num(p.expected) + ', grade ' + p.grade)),
      );
      if (labelled.has(i)) {
        const anchor = i === 0 && points.length > 1 ? 'start' : i === points.length - 1 && points.length > 1 ? 'end' : 'middle';
        const above = py - 12 > m.t;
        add(g, svg('text', { x: px.toFixed(1), y: (above ? py - 12 : py + 20).toFixed(1), 'text-anchor': anchor, class: 'point-label' }, num(p.expected) + ' ' + p.grade));
      }
      add(plot, g);
    });
    return plot;
  }

  function historyTable(points) {
    return h(
      'details',
      null,
      h('summary', null, 'The points as a table'),
      h(
        'table',
        { class: 'history' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Entry'), h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Expected value'), h('th', { scope: 'col' }, 'Grade'))),
        h('tbody', null, points.map((p) => h('tr', null, h('td', { class: 'num' }, String(p.seq)), h('td', null, when(p.time)), h('td', { class: 'num' }, num(p.expected)), h('td', null, gradeBadge(p.grade))))),
      ),
    );
  }

  // Verdicts listed on a source page at a time.
  const EVIDENCE_PAGE = 25;
  // Verdicts asked of the API at a time beyond the first response's.
  const EVIDENCE_FETCH = 100;

  // One verdict behind a source: the claim it rated (its text), and what
  // the verdict weighed.
  function evidenceRow(e, claimCell) {
    return h(
      'tr',
      { class: 'evidence-item' },
      h('td', null, claimCell(e.claim)),
      h('td', null, ratingBadge(e.rating)),
      h('td', { class: 'num' }, e.confidence + '%'),
      h('td', null, when(e.said ? String(e.said).slice(0, 10) : null), h('br'), h('span', { class: 'muted' }, Math.floor((e.age_secs || 0) / 86400) + ' days before')),
      h('td', { class: 'num' }, num(e.decay, 3) + ' \u00d7 ' + num(e.dispute, 3)),
      h('td', null, String(e.role || '').replace(/-/g, ' ')),
      h('td', { class: 'num' }, num(e.weight) + ' \u00d7 ' + num(e.share)),
      h('td', { class: 'num' }, num(e.r) + ' \u00b7 ' + num(e.s)),
      h('td', null, e.checker ? h('a', { href: checkerHref(e.checker), class: 'checker' }, e.checker) : '–', h('br'), h('span', { class: 'muted' }, e.signer || '')),
    );
  }

  async function sourcePage(view, slug) {
    const [src, history, names] = await Promise.all([
      api('/v1/sources/' + encodeURIComponent(slug)),
      optional(api('/v1/sources/' + encodeURIComponent(slug) + '/history')),
      sourceNames(),
    ]);
    const s = src.source || {};
    const score = src.score || null;
    const expl = src.explanation || {};
    const evidence = expl.evidence || [];
    const unmoved = expl.unmoved || [];

    // The claims the verdicts are about, with their text (the source's
    // response carries them).
    const claimTexts = new Map(Object.entries(src.claims || {}));
    const claimCell = (id) => {
      const c = claimTexts.get(id);
      const text = c ? (c.text.length > 140 ? c.text.slice(0, 139) + '\u2026' : c.text) : short(id);
      return h('a', { href: claimHref(id), class: 'claim-link' }, c ? h('span', langAttrs(c.lang, { class: 'claim-snippet' }), text) : h('code', null, text));
    };

    add(view,
      h('h1', { tabindex: -1, dir: 'auto', id: 'source-name' }, s.name || slug),
      h('p', { class: 'meta' }, h('span', { class: 'kind' }, s.kind || 'source'), ' · ', h('code', null, src.id), s.language ? [' · language ', h('span', null, s.language)] : null, src.retracted_by ? h('span', { class: 'flag' }, ' retracted') : null),
      s.description ? h('p', { class: 'description', dir: 'auto' }, s.description) : null,
      dl([
        ['Web', s.url ? externalLink(s.url) : null],
        ['Affiliations', s.affiliations && s.affiliations.length ? s.affiliations.flatMap((a, i) => (i === 0 ? [] : [', ']).concat([h('a', { href: sourceHref(a), dir: 'auto' }, names.get(a) || a)])) : null],
        ['Prior grade', src.prior ? gradeBadge(src.prior) : null],
      ]),
    );

    const o = (score && score.opinion) || {};
    add(view,
      section(
        'score',
        'Score',
        score
          ? [
            h(
              'p',
              { class: 'big' },
              gradeBadge(score.grade, { id: 'grade' }),
              ' ',
              h('span', { class: 'wording', id: 'grade-wording' }, src.grade_wording || GRADE_WORDING[score.grade] || ''),
              h('span', { class: 'muted' }, ' (Admiralty source reliability, A\u2013F, from evidence alone)'),
            ),
            h('p', { class: 'grade-text', id: 'grade-text' }, src.grade_text || ''),
            explainedFacts([
              ['Lower bound (ranks it)', h('span', { class: 'num', id: 'lower' }, num(score.lower)), SOURCE_NUMBERS.lower],
              ['Expected value', expectedMeter(o.e, 'expected value of ' + (s.name || slug)), SOURCE_NUMBERS.e],
              ['Belief · disbelief · uncertainty', h('span', { class: 'num' }, num(o.b) + ' · ' + num(o.d) + ' · ' + num(o.u)), SOURCE_NUMBERS.bdu],
              ['Base rate (from the prior)', h('span', { class: 'num' }, num(o.a)), SOURCE_NUMBERS.a],
              ['Evidence for · against', h('span', { class: 'num' }, num(score.r) + ' · ' + num(score.s)), SOURCE_NUMBERS.rs],
              ['Verdicts counted', h('span', { class: 'num' }, String(score.verdicts)), SOURCE_NUMBERS.verdicts],
              ['Checkers', h('span', { class: 'num' }, String(score.checkers)), SOURCE_NUMBERS.checkers],
            ]),
          ]
          : h('p', { class: 'empty' }, 'No score: the source is retracted.'),
      ),
    );

    const historyPanel = section('history', 'Expected value over time');
    if (history && !history.failed && Array.isArray(history.points) && history.points.length) {
      add(historyPanel, h('div', { class: 'graph-scroll' }, historyPlot(history.points)), historyTable(history.points));
    } else {
      add(historyPanel, h('p', { class: 'empty' }, history && history.failed ? history.failed.message : 'No history yet.'));
    }
    add(view, historyPanel);

    const evidencePanel = section('evidence', 'The verdicts behind it');
    let tbody = null;
    if (evidence.length) {
      add(evidencePanel,
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'evidence-table' },
            explainedHead(EVIDENCE_COLUMNS),
            tbody = h(
              'tbody',
              { id: 'evidence-rows' },
              evidence.slice(0, EVIDENCE_PAGE).map((e) => evidenceRow(e, claimCell)),
            ),
          ),
        ),
        legend(EVIDENCE_COLUMNS),
      );
      const counter = h('p', { class: 'muted', id: 'evidence-count' });
      const more = h('button', { type: 'button', id: 'evidence-more' });
      const rowOf = (e) => evidenceRow(e, claimCell);
      const shown = () => tbody.children.length;
      // The API sends the verdicts a page at a time; the rest are asked
      // for as the reader reaches them.
      const total = Number.isInteger(src.evidence_total) ? src.evidence_total : evidence.length;
      const fetchMore = async () => {
        const next = await api('/v1/sources/' + encodeURIComponent(slug) + '?offset=' + evidence.length + '&limit=' + EVIDENCE_FETCH);
        const page = (next.explanation && next.explanation.evidence) || [];
        for (const [id, c] of Object.entries(next.claims || {})) claimTexts.set(id, c);
        evidence.push(...page);
        return page.length;
      };
      const update = () => {
        const n = Math.min(shown(), total);
        counter.textContent = 'Showing ' + n + ' of ' + total + ' verdicts, in ledger order.';
        more.hidden = n >= total;
        more.textContent = 'Show ' + Math.min(EVIDENCE_PAGE, total - n) + ' more';
      };
      more.addEventListener('click', async () => {
        more.disabled = true;
        try {
          if (shown() + EVIDENCE_PAGE > evidence.length && evidence.length < total) await fetchMore();
          evidence.slice(shown(), shown() + EVIDENCE_PAGE).forEach((e) => add(tbody, rowOf(e)));
          update();
        } catch (err) {
          add(evidencePanel, errorBox(err));
        } finally {
          more.disabled = false;
        }
      });
      add(evidencePanel, counter, more);
      update();
    } else {
      add(evidencePanel, h('p', { class: 'empty' }, 'No verdict has moved this source yet; its score is its prior.'));
    }
    const shares = expl.checkers || [];
    if (shares.length) {
      add(evidencePanel,
        h('h3', null, 'Each checker\u2019s part'),
        h('p', { class: 'muted' }, 'One checker\u2019s evidence n about a source counts n \u00d7 K/(n + K) (saturation), then times the checker\u2019s weight.'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'checker-shares', id: 'checker-shares' },
            h('thead', null, h('tr', null, ['Checker', 'Verdicts', 'Raw for \u00b7 against', 'Saturation', 'Checker weight', 'For \u00b7 against'].map((x) => h('th', { scope: 'col' }, x)))),
            h(
              'tbody',
              null,
              shares.map((c) =>
                h(
                  'tr',
                  null,
                  h('td', null, h('a', { href: checkerHref(c.checker), class: 'checker' }, c.checker)),
                  h('td', { class: 'num' }, String(c.verdicts)),
                  h('td', { class: 'num' }, num(c.raw_r) + ' \u00b7 ' + num(c.raw_s)),
                  h('td', { class: 'num' }, num(c.saturation, 3)),
                  h('td', { class: 'num' }, num(c.weight, 3)),
                  h('td', { class: 'num' }, num(c.r) + ' \u00b7 ' + num(c.s)),
                ),
              ),
            ),
          ),
        ),
      );
    }
    if (unmoved.length) {
      add(evidencePanel,
        h('h3', null, 'Verdicts that did not move it'),
        h('ul', { class: 'unmoved' }, unmoved.map((u) => h('li', null, claimCell(u.claim), ' ', ratingBadge(u.rating), ' ', h('span', { class: 'muted' }, '(' + String(u.why || '').replace(/-/g, ' ') + ')')))),
      );
    }
    add(view, evidencePanel);
    return s.name || slug;
  }

  function checkerTable(checkers) {
    if (!checkers.length) return h('p', { class: 'empty' }, 'No fact-checker is enrolled yet.');
    return [h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'checkers', id: 'checker-table' },
        explainedHead(CHECKER_COLUMNS),
        h(
          'tbody',
          null,
          checkers.map((c) =>
            h(
              'tr',
              { class: 'checker-row', 'data-checker': c.id },
              h('td', null, h('a', { href: checkerHref(c.id), class: 'checker' }, c.id), h('span', { class: 'muted' }, c.organisation ? ' (organisation)' : ' (key)')),
              h('td', { class: 'num' }, num(c.weight, 3)),
              h('td', null, c.prior ? gradeBadge(c.prior) : h('span', { class: 'muted' }, 'default'), ' ', h('span', { class: 'num' }, num(c.prior_weight))),
              h('td', { class: 'num' }, String(c.shared)),
              h('td', { class: 'num' }, num(c.agree)),
              h('td', { class: 'num' }, num(c.disagree)),
              h('td', { class: 'num' }, String(c.voices)),
            ),
          ),
        ),
      ),
    ), legend(CHECKER_COLUMNS)];
  }

  async function checkersPage(view) {
    const all = await api('/v1/checkers');
    add(view,
      h('h1', { tabindex: -1 }, 'Fact-checkers'),
      h('p', { class: 'lead' }, 'How much each checker\u2019s word weighs: it starts from a prior (an admin\u2019s trust grade, or the default ' + num(all.checker_default_trust) + ') and moves with how far its verdicts agree with the other checkers\u2019 on the stories they share.'),
      h('p', { class: 'formula' }, h('code', null, 'weight = (\u03b1 + P\u00b7p) / (\u03b1 + \u03b4 + P)'), ', P = ' + num(all.checker_prior_weight, 1)),
      checkerTable(all.checkers || []),
    );
    return 'Fact-checkers';
  }

  async function checkerPage(view, id) {
    const c = await api('/v1/checkers/' + encodeURIComponent(id));
    const score = c.score || {};
    const stories = (c.explanation && c.explanation.stories) || [];
    const P = num(c.checker_prior_weight, 1);
    add(view,
      h('h1', { tabindex: -1, id: 'checker-name' }, score.id || id),
      h('p', { class: 'meta' }, score.organisation ? 'an organisation' : 'a key no organisation holds', ' · ', (score.keys || []).length === 1 ? 'key ' : 'keys ', (score.keys || []).join(', ')),
      section(
        'weight',
        'Weight',
        h('p', { class: 'big' }, h('span', { class: 'num', id: 'checker-weight' }, num(score.weight, 3))),
        h('p', { class: 'formula' }, h('code', null, '(\u03b1 ' + num(score.agree) + ' + P ' + P + ' \u00d7 p ' + num(score.prior_weight) + ') / (\u03b1 ' + num(score.agree) + ' + \u03b4 ' + num(score.disagree) + ' + P ' + P + ')')),
        dl([
          ['Prior', score.prior ? ['trust grade ', gradeBadge(score.prior)] : 'the default (no trust grade)'],
          ['Prior weight p', h('span', { class: 'num' }, num(score.prior_weight))],
          ['Stories shared with other checkers', h('span', { class: 'num', id: 'shared' }, String(score.shared))],
          ['Agreement \u03b1 \u00b7 disagreement \u03b4', h('span', { class: 'num' }, num(score.agree) + ' \u00b7 ' + num(score.disagree))],
          ['Voices (latest counting verdict per claim)', h('span', { class: 'num' }, String(score.voices))],
        ]),
      ),
    );
    const panel = section('stories', 'Stories shared with other checkers');
    if (stories.length) {
      add(panel,
        h(
          'table',
          { class: 'stories', id: 'story-table' },
          h('thead', null, h('tr', null, ['Story', 'Its rating', 'Other checkers', 'Agreement'].map((x) => h('th', { scope: 'col' }, x)))),
          h(
            'tbody',
            null,
            stories.map((s) =>
              h(
                'tr',
                { class: 'story' },
                h('td', null, h('a', { href: claimHref(s.story) }, h('code', null, short(s.story)))),
                h('td', null, ratingBadge(s.rating)),
                h('td', null, (s.others || []).flatMap((o, i) => (i === 0 ? [] : [', ']).concat([h('a', { href: checkerHref(o), class: 'checker' }, o)]))),
                h('td', { class: 'num' }, '\u03b1 +' + num(s.agree) + ' \u00b7 \u03b4 +' + num(s.disagree)),
              ),
            ),
          ),
        ),
      );
    } else {
      add(panel, h('p', { class: 'empty' }, 'No other checker has rated the same stories: the weight is the prior.'));
    }
    add(view, panel);
    return 'Checker ' + (score.id || id);
  }

  // ---- the workbench: signing entries in this page ----
  //
  // The private key file is read here, imported into WebCrypto as a
  // non-extractable Ed25519 key and kept in this page's memory (or, when
  // the writer asks, that non-extractable key in this browser's IndexedDB);
  // it is never sent anywhere. Entries are built, written in canonical form
  // (RFC 8785) and signed as FORMAT.md (sections 3 to 6) says, then posted
  // to POST /v1/entries at the head's position, again on a conflict.

  const ENC = new TextEncoder();
  const SIGNING_PREFIX = 'isnad-entry-v1\n';
  const RETRIES = 64;
  const SOURCE_KINDS = ['outlet', 'person', 'organization', 'government', 'social-account', 'anonymous'];
  // FORMAT.md section 9, rule 8: the roles that may write each kind.
  const MAY_WRITE = {
    admin: ['key', 'revocation', 'trust'],
    editor: ['source', 'claim', 'relation', 'amendment', 'prior'],
    'fact-checker': ['verdict', 'claim', 'relation', 'source'],
    auditor: [],
  };
  const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
  const LANG_RE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

  // The loaded key: { name, keyId, vkey, privateKey, kept } or null
  // (`kept`: the same key is kept in this browser).
  let workbenchKey = null;

  // Where the page keeps a key across loads, when and only when its writer
  // asks: one record in this origin's IndexedDB, holding the
  // non-extractable CryptoKey itself (the browser stores it as it is, and
  // it stays unreadable as bytes), its verifier key string and the holder
  // to show with it. Never the key file or the seed.
  const KEEP_DB = 'isnad-workbench';
  const KEEP_STORE = 'kept-key';
  const KEEP_ID = 'key';

  // Runs `act` (given the object store) in one transaction on the kept-key
  // store; resolves with its request's result once the transaction is done.
  function keptKeyStore(mode, act) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(KEEP_DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(KEEP_STORE);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const fail = (err) => {
          db.close();
          reject(err || new Error('the browser\u2019s key storage refused'));
        };
        try {
          const tx = db.transaction(KEEP_STORE, mode);
          const request = act(tx.objectStore(KEEP_STORE));
          tx.oncomplete = () => {
            db.close();
            resolve(request.result);
          };
          tx.onabort = () => fail(tx.error);
        } catch (err) {
          fail(err);
        }
      };
    });
  }

  // Keeps the loaded key in this browser (replacing any other kept key).
  async function keepKey(key) {
    if (key.privateKey.extractable) throw new Error('only a non-extractable key is kept');
    const holder = key.standing && key.standing.enrolled ? key.standing.enrolled.holder || null : null;
    await keptKeyStore('readwrite', (store) => store.put({ vkey: key.vkey, holder, privateKey: key.privateKey }, KEEP_ID));
    key.kept = true;
  }

  const forgetKeptKey = () => keptKeyStore('readwrite', (store) => store.delete(KEEP_ID));

  // The key kept in this browser, as a loaded key with its holder, or null.
  // It must be a non-extractable Ed25519 signing key whose signature its
  // verifier key string checks (a probe signed and checked here, never
  // sent), or it is refused.
  async function keptKey() {
    const kept = await keptKeyStore('readonly', (store) => store.get(KEEP_ID));
    if (!kept) return null;
    const k = kept.privateKey;
    const unusable = new Error('the key kept in this browser cannot be used; forget it and load your key file');
    if (!(k instanceof CryptoKey) || k.extractable || k.algorithm.name !== 'Ed25519' || !k.usages.includes('sign')) throw unusable;
    const verifier = await verifierKey(kept.vkey, NOTE_KEY_TYPE, 'the kept key');
    const probe = ENC.encode('isnad-kept-key-probe\n' + verifier.text);
    const sig = await crypto.subtle.sign({ name: 'Ed25519' }, k, probe);
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, verifier.key, sig, probe))) throw unusable;
    return { name: verifier.name, keyId: verifier.id, vkey: verifier.text, privateKey: k, holder: kept.holder, kept: true };
  }

  // A JSON string as RFC 8785 writes it: only '"', '\' and the control
  // characters escaped, everything else as itself.
  function canonString(s) {
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (c === 0x08) out += '\\b';
      else if (c === 0x09) out += '\\t';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0c) out += '\\f';
      else if (c === 0x0d) out += '\\r';
      else if (c < 0x20) out += '\\u00' + c.toString(16).padStart(2, '0');
      else if (c >= 0xd800 && c <= 0xdfff) throw new Error('text holds a lone surrogate');
      else out += ch;
    }
    return out + '"';
  }

  // RFC 8785 for the values isnad signs: objects (members sorted by UTF-16
  // code units, absent members left out), arrays, strings and
  // non-negative integers. Anything else is refused.
  function canonical(value) {
    if (typeof value === 'string') return canonString(value);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) throw new Error('only non-negative integers are signed');
      return String(value);
    }
    if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
    if (value && typeof value === 'object') {
      const names = Object.keys(value).filter((k) => value[k] !== undefined).sort();
      return '{' + names.map((k) => canonString(k) + ':' + canonical(value[k])).join(',') + '}';
    }
    throw new Error('cannot sign a value of type ' + (value === null ? 'null' : typeof value));
  }

  function toBase64(bytes) {
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function fromBase64(text) {
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  // C2SP key id: the first 4 bytes of SHA-256(name, 0x0A, type, A), the
  // type 0x01 for note keys (0x04 for witnesses' cosignature keys).
  async function keyId(name, publicKey, type = 1) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', concat(ENC.encode(name + '\n'), Uint8Array.of(type), publicKey)));
    return hex(digest.slice(0, 4));
  }

  // Reads an isnad private key file, `PRIVATE+KEY+<name>+<id>+<base64>`
  // (FORMAT.md section 6), into a non-extractable signing key and its
  // verifier key string. The seed is wiped once imported.
  async function loadKeyFile(text) {
    const line = String(text).replace(/\r?\n$/, '');
    const parts = line.split('+');
    if (parts.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
      throw new Error('this is not an isnad private key file (it should hold one line starting PRIVATE+KEY+)');
    }
    const name = parts[2];
    const fileId = parts[3];
    let raw;
    try {
      raw = fromBase64(parts.slice(4).join('+'));
    } catch (_) {
      throw new Error('the key file\u2019s key is not base64');
    }
    if (raw.length !== 33 || raw[0] !== 1) {
      raw.fill(0);
      throw new Error('the key file does not hold an Ed25519 key');
    }
    // PKCS #8 for an Ed25519 seed (RFC 8410): a fixed prefix, then the seed.
    const pkcs8 = concat(Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20), raw.slice(1));
    raw.fill(0);
    let publicKey;
    let privateKey;
    try {
      // Once extractable, only to learn the public key (the JWK's x) ...
      const probe = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
      const jwk = await crypto.subtle.exportKey('jwk', probe);
      publicKey = fromBase64(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (jwk.x.length % 4)) % 4));
      jwk.d = '';
      // ... then for signing, where the page cannot read it back.
      privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    } catch (err) {
      if (err && err.name === 'NotSupportedError') throw new Error('this browser cannot sign with Ed25519 (WebCrypto)');
      throw new Error('the key file\u2019s key cannot be used: ' + (err && err.message ? err.message : String(err)));
    } finally {
      pkcs8.fill(0);
    }
    const id = await keyId(name, publicKey);
    if (id !== fileId) throw new Error('the key file is damaged: its key id does not match its key');
    return { name, keyId: id, vkey: name + '+' + id + '+' + toBase64(concat(Uint8Array.of(1), publicKey)), privateKey };
  }

  // What the ledger says of a verifier key: enrolled (roles, holder, the
  // entry) and retired or not, as `GET /v1/keys` answers from the
  // server's indexes (a 404: never enrolled).
  async function keyStanding(vkey) {
    const response = await fetch('/v1/keys?key=' + encodeURIComponent(vkey), {
      headers: { Accept: 'application/json' },
    });
    if (response.status === 404) return { enrolled: null, revoked: null };
    if (!response.ok) throw new Error('the server answered ' + response.status + ' for the key');
    const k = await response.json();
    return {
      enrolled: { roles: k.enrolled.roles || [], holder: k.enrolled.holder, seq: k.enrolled.seq },
      revoked: k.retired ? k.retired.seq : null,
    };
  }

  // Asks the ledger where `key` stands now and keeps the answer on it.
  async function standingOf(key) {
    key.standing = await keyStanding(key.vkey);
    return key.standing;
  }

  const mayWrite = (roles, kind) => roles.some((r) => (MAY_WRITE[r] || []).includes(kind));

  // Whether the key, as the ledger last said, may sign a `kind` entry.
  function allowed(key, kind) {
    const s = key.standing;
    return Boolean(s && s.enrolled && s.revoked === null && mayWrite(s.enrolled.roles, kind));
  }

  // Why the key may write none of `kinds` ([status, words]), or null when
  // it may write one of them. `what` says what it may not do.
  function whyNot(key, kinds, what) {
    const s = key.standing;
    if (!s || !s.enrolled) {
      return ['unknown', 'This key is not enrolled in this ledger: the server would refuse anything it signs. Ask an admin to enrol it.'];
    }
    if (s.revoked !== null) {
      return ['revoked', 'This key was retired by entry #' + s.revoked + ': the server would refuse anything it signs now.'];
    }
    if (!kinds.some((k) => mayWrite(s.enrolled.roles, k))) {
      return ['no-role', 'This key\u2019s roles (' + s.enrolled.roles.join(', ') + ') may not ' + what + '.'];
    }
    return null;
  }

  // "a", "a or b", "a, b or c".
  const orList = (words) => (words.length > 1 ? words.slice(0, -1).join(', ') + ' or ' + words[words.length - 1] : words.join(''));

  // Now, to the second, as FORMAT.md writes a time.
  const nowTime = () => new Date().toISOString().slice(0, 19) + 'Z';

  // What each kind of refusal means, for a writer rather than a program.
  const PROBLEM_WORDS = {
    '/problems/forbidden': 'this key may not write this entry (not enrolled, retired, or without the role)',
    '/problems/bad-signature': 'the signature does not match the entry: it was changed after it was signed, or signed with another key',
    '/problems/invalid-entry': 'the entry breaks one of the ledger\u2019s rules',
    '/problems/too-large': 'the entry is larger than the ledger takes',
  };

  // A refusal in plain words, from the server's RFC 9457 problem.
  function problemText(status, problem) {
    const p = problem && typeof problem === 'object' ? problem : {};
    const title = PROBLEM_WORDS[p.type] || p.title || 'the server answered ' + status;
    const field = p.field ? ' (the field at fault: ' + p.field + ')' : '';
    return 'The server refused the entry: ' + title + '. ' + (p.detail || '') + field + ' Nothing was recorded.';
  }

  // A JSON POST to this server.
  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body,
    });
  }

  // Signs `body` as a `kind` record at the server's next position and posts
  // it; on a conflict, fetches the head and signs again, as the command
  // line does. Returns the server's answer ({id, seq, kind, new}). The
  // key's standing is asked again first: a key retired since it was
  // loaded, or without the role, is stopped before it signs.
  async function signAndPost(key, kind, body) {
    await standingOf(key);
    const no = whyNot(key, [kind], 'sign a ' + kind + ' entry');
    if (no) throw new Error(no[1] + ' Nothing was signed.');
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const head = await api('/v1/head');
      const now = nowTime();
      const time = head.time && head.time > now ? head.time : now;
      const unsigned = {
        body,
        kind,
        prev: head.head || '0'.repeat(64),
        seq: head.size,
        signer: key.vkey,
        time,
        v: 1,
      };
      const input = ENC.encode(SIGNING_PREFIX + canonical(unsigned));
      const sig = toBase64(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, input)));
      const leaf = canonical(Object.assign({}, unsigned, { sig }));
      const response = await post('/v1/entries', leaf);
      let answer = null;
      try {
        answer = JSON.parse(await response.text());
      } catch (_) {
        answer = null;
      }
      if (response.status === 201 || response.status === 200) return answer;
      if (response.status !== 409) {
        const err = new Error(problemText(response.status, answer));
        err.status = response.status;
        throw err;
      }
      // Another writer took the position: a short random pause that grows.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * (attempt + 1)));
    }
    throw new Error('The ledger kept moving; gave up after ' + RETRIES + ' attempts. Nothing was recorded.');
  }

  // ---- the workbench's forms ----
  //
  // Each form builds a record body as the command line builds it from the
  // same input (free text in NFC, blank optional fields left out) and
  // checks it as the ledger's rules do (FORMAT.md sections 8 and 9, the
  // bounds of isnad_format::limits) before anything is signed. The server
  // checks everything again.

  const MAX_TEXT = 64 * 1024;
  const MAX_NAME = 1024;
  const MAX_URL = 2048;
  const MAX_CHAIN = 16;
  const MAX_TRANSLATIONS = 16;
  const MAX_EVIDENCE = 32;
  const MAX_AFFILIATIONS = 32;
  const RATINGS = ['true', 'mostly-true', 'mixed', 'mostly-false', 'false', 'unverifiable', 'misattributed'];
  // How a later hop of a chain stands to the one before (the first hop
  // alone is `reported`).
  const HOP_RELATIONS = ['cited', 'quoted', 'published-on', 'anonymous'];
  const CLAIM_RELATION_WORDING = {
    'same-as': 'is the same story as',
    'derived-from': 'was derived from (shares the origin of)',
    corroborates: 'independently supports',
    contradicts: 'contradicts',
  };
  const ENTRY_ID_RE = /^[0-9a-f]{64}$/;
  const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ)?$/;

  // Free text as the ledger takes it: in NFC, not blank, at most `max`
  // bytes of UTF-8.
  function needText(what, raw, max) {
    const text = String(raw).normalize('NFC');
    if (text.trim() === '') throw new Error(what + ' may not be empty.');
    if (ENC.encode(text).length > max) throw new Error(what + ' is over ' + max + ' bytes.');
    return text;
  }

  function needUrl(what, raw) {
    const url = String(raw).trim();
    if (!/^https?:\/\//.test(url) || /[\s\u0000-\u001f\u007f-\u009f]/.test(url) || ENC.encode(url).length > MAX_URL) {
      throw new Error(what + ' must start with https:// or http:// and hold no spaces.');
    }
    return url;
  }

  function needLang(what, raw) {
    const tag = String(raw).trim();
    if (tag.length > 35 || !LANG_RE.test(tag)) throw new Error(what + ' must be a language tag such as en, ar or zh-Hant.');
    return tag;
  }

  // A date YYYY-MM-DD, or a UTC time YYYY-MM-DDTHH:MM:SSZ, on a day that
  // exists.
  function needDate(what, raw) {
    const date = String(raw).trim();
    const m = DATE_RE.exec(date);
    const day = new Date(0);
    if (m) day.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (!m || day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3])) {
      throw new Error(what + ' must be a date YYYY-MM-DD, or a UTC time YYYY-MM-DDTHH:MM:SSZ.');
    }
    return date;
  }

  // A field that may be left blank: absent then, else checked by `check`.
  const blankOr = (what, raw, check, max) => (String(raw).trim() === '' ? undefined : check(what, raw, max));

  // Text folded for matching what one types: case and marks aside.
  const fold = (s) => String(s).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

  function field(label, input, hint) {
    return h('p', { class: 'field' }, h('label', { for: input.getAttribute('id') }, label), ' ', input, hint ? h('span', { class: 'muted hint' }, ' ' + hint) : null);
  }

  // A multi-line text field holding `value`.
  const textArea = (id, value, rows) => h('textarea', { id, name: id, rows: rows || 3, dir: 'auto' }, value || '');

  // Runs `task` (it checks, signs and posts) for the form `prefix`, and
  // shows in `outcome` what it returns, or why nothing was recorded:
  // `data-by` says whether the page or the server refused.
  async function settle(outcome, prefix, task) {
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Checking, signing and sending\u2026'));
    try {
      const shown = await task();
      if (shown) outcome.replaceChildren(shown);
    } catch (err) {
      outcome.replaceChildren(
        h('p', { class: 'error', id: prefix + '-refused', role: 'alert', 'data-by': err && err.status ? 'server' : 'page' }, err && err.message ? err.message : String(err)),
      );
    }
  }

  // Runs `task(outcome)` on each submit of `form`; returns the outcome box.
  function onSubmit(form, prefix, task) {
    const outcome = h('div', { id: prefix + '-outcome', 'aria-live': 'polite' });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      await settle(outcome, prefix, () => task(outcome));
      button.disabled = false;
    });
    return outcome;
  }

  // The entry the server recorded (or had already from this key).
  function recorded(prefix, answer, ...what) {
    return h(
      'p',
      { class: 'done', id: prefix + '-done', 'data-id': answer.id, 'data-seq': answer.seq },
      answer.new ? 'Recorded as entry #' + answer.seq + ': ' : 'Already recorded by this key, as entry #' + answer.seq + ': ',
      what,
      ' (',
      h('code', null, short(answer.id)),
      ').',
    );
  }

  const workbenchForm = (id, ...children) => h('form', { id, class: 'workbench-form', action: '#', autocomplete: 'off', novalidate: true }, children);

  // A text box that offers what `find(query)` finds as one types
  // ([{ value, label, lang, note }]); choosing an offer calls `pick`.
  // `extra(query)`, if given, makes a last offer of its own. An answer
  // that arrives after a later keystroke's is dropped.
  function picker(id, find, pick, extra) {
    const input = h('input', { id, type: 'search', autocomplete: 'off', dir: 'auto', 'aria-controls': id + '-offers' });
    const offers = h('ul', { class: 'offers', id: id + '-offers' });
    let asked = 0;
    input.addEventListener('input', async () => {
      const mine = ++asked;
      const query = input.value.trim();
      let found;
      try {
        found = query ? await find(query) : [];
      } catch (err) {
        found = err;
      }
      if (mine !== asked) return;
      if (found instanceof Error) {
        offers.replaceChildren(h('li', { class: 'muted' }, 'Could not search: ' + found.message));
        return;
      }
      offers.replaceChildren(
        ...found.map((item) => {
          const choose = h('button', { type: 'button', class: 'offer', 'data-value': item.value }, h('span', langAttrs(item.lang), item.label), item.note ? h('span', { class: 'muted' }, ' ' + item.note) : null);
          choose.addEventListener('click', () => {
            offers.replaceChildren();
            pick(item);
          });
          return h('li', null, choose);
        }),
      );
      if (query && extra) add(offers, h('li', null, extra(query)));
    });
    return { input, offers, close: () => offers.replaceChildren() };
  }

  // One hop's source, found by name or id as one types among `sources`
  // (id to name); `onNew(query, set)`, if given, is offered when the
  // source is not there yet. Returns { el, value(), set(id) }.
  function sourceChooser(id, sources, onNew) {
    let chosen = null;
    const shown = h('span', { class: 'chosen', id: id + '-chosen' });
    const set = (slug) => {
      chosen = slug;
      p.input.value = '';
      shown.setAttribute('data-source', slug);
      shown.replaceChildren(h('bdi', null, sources.get(slug) || slug), ' ', h('code', null, slug));
    };
    const find = async (query) => {
      const words = fold(query).split(/\s+/).filter(Boolean);
      const hits = [];
      for (const [slug, name] of sources) {
        const hay = fold(name) + ' ' + slug;
        if (words.every((w) => hay.includes(w))) hits.push({ value: slug, label: name, note: slug });
      }
      return hits.slice(0, 8);
    };
    const newSource = onNew
      ? (query) => {
          const b = h('button', { type: 'button', class: 'offer new-source', id: id + '-new' }, 'A new source: \u201c', h('bdi', null, query), '\u201d\u2026');
          b.addEventListener('click', () => {
            p.close();
            onNew(query, set);
          });
          return b;
        }
      : null;
    const p = picker(id, find, (item) => set(item.value), newSource);
    return {
      el: h('span', { class: 'chooser' }, p.input, ' ', shown, p.offers),
      // The source chosen, or an id typed whole.
      value: () => chosen || p.input.value.trim(),
      set,
    };
  }

  // An attribution chain built hop by hop, `initial` (if any) filled in:
  // the publisher first, then each source further back and how the hop
  // before stands to it. `read()` checks it as the ledger does.
  function chainEditor(prefix, sources, onNew, initial) {
    const list = h('ol', { class: 'chain-editor', id: prefix + '-chain' });
    const hops = [];
    const more = h('button', { type: 'button', id: prefix + '-hop-add' }, 'Add a hop further back');
    const fewer = h('button', { type: 'button', id: prefix + '-hop-remove' }, 'Remove the last hop');
    const update = () => {
      more.disabled = hops.length >= MAX_CHAIN;
      fewer.disabled = hops.length <= 1;
    };
    const addHop = (hop) => {
      const id = prefix + '-hop-' + hops.length;
      const chooser = sourceChooser(id, sources, onNew);
      const relation = hops.length === 0
        ? null
        : h('select', { id: id + '-relation', 'aria-label': 'how the hop before stands to it' }, HOP_RELATIONS.map((r) => h('option', { value: r, selected: Boolean(hop && hop.relation === r) }, RELATION_WORDING[r])));
      const item = h('li', { class: 'hop' }, relation ? ['which ', relation, ' '] : h('span', { class: 'hop-role' }, 'Publisher, which reported it: '), chooser.el);
      if (hop) chooser.set(hop.source);
      hops.push({ chooser, relation, item });
      add(list, item);
      update();
    };
    more.addEventListener('click', () => hops.length < MAX_CHAIN && addHop(null));
    fewer.addEventListener('click', () => {
      if (hops.length > 1) hops.pop().item.remove();
      update();
    });
    (initial && initial.length ? initial : [null]).forEach(addHop);
    const read = () => {
      const chain = hops.map((hop, i) => {
        const where = i === 0 ? 'The publisher' : 'Hop ' + (i + 1);
        const source = hop.chooser.value();
        if (!source) throw new Error(where + ': choose its source.');
        if (!sources.has(source)) throw new Error(where + ': there is no source \u201c' + source + '\u201d in this ledger; choose one that is offered, or add it first.');
        return { relation: i === 0 ? 'reported' : hop.relation.value, source };
      });
      chain.forEach((hop, i) => {
        if (chain.slice(0, i).some((o) => o.source === hop.source)) throw new Error('\u201c' + hop.source + '\u201d appears twice in the chain.');
      });
      return chain;
    };
    return { el: h('div', { class: 'chain-box' }, list, h('p', null, more, ' ', fewer)), read };
  }

  // The fields of a claim as it appeared: text, language, quoted words,
  // translations, chain, and where and when, `initial` filled in (a claim
  // to correct). `read()` gives the claim body, checked.
  function claimFields(prefix, sources, onNew, initial) {
    const c = initial || {};
    const appeared = c.appeared || {};
    const input = (name, value) => h('input', { id: prefix + '-' + name, name: prefix + '-' + name, value: value || null, dir: 'auto' });
    const text = textArea(prefix + '-text', c.text, 4);
    const lang = input('lang', c.lang);
    const quote = textArea(prefix + '-quote', c.quote, 2);
    const date = input('date', appeared.date);
    const url = input('url', appeared.url);
    const venue = input('venue', appeared.venue);
    const chain = chainEditor(prefix, sources, onNew, c.chain);
    const translations = h('ol', { class: 'translations', id: prefix + '-translations' });
    let made = 0;
    const addTranslation = (t) => {
      const id = prefix + '-tr-' + made++;
      const tag = h('input', { id: id + '-lang', class: 'tr-lang', value: t ? t.lang : null, size: 8 });
      const words = textArea(id + '-text', t && t.text, 2);
      words.classList.add('tr-text');
      const remove = h('button', { type: 'button', class: 'tr-remove' }, 'Remove this translation');
      const item = h('li', { class: 'translation-row' }, field('Language', tag), field('Translation', words), remove);
      remove.addEventListener('click', () => item.remove());
      add(translations, item);
    };
    (c.translations || []).forEach(addTranslation);
    const another = h('button', { type: 'button', id: prefix + '-tr-add' }, 'Add a translation');
    another.addEventListener('click', () => addTranslation(null));
    const el = h(
      'div',
      { class: 'claim-fields' },
      field('Text', text, 'the statement as it appeared, in its own language'),
      field('Language', lang, 'e.g. ar'),
      field('Quoted words', quote, 'optional: the words verbatim, when quoted'),
      h('h3', null, 'Translations'),
      translations,
      h('p', null, another),
      h('h3', null, 'Attribution chain'),
      h('p', { class: 'muted' }, 'From the publisher back to whoever first said it; type part of a source\u2019s name or id to find it.'),
      chain.el,
      h('h3', null, 'Where and when it appeared'),
      field('Date', date, 'YYYY-MM-DD, or a UTC time YYYY-MM-DDTHH:MM:SSZ'),
      field('Web address', url, 'optional'),
      field('Venue', venue, 'optional: the title, programme or page'),
    );
    const read = () => {
      const tag = needLang('The language', lang.value);
      const rows = [...translations.children].map((row, i) => ({
        lang: needLang('Translation ' + (i + 1) + '\u2019s language', row.querySelector('.tr-lang').value),
        text: needText('Translation ' + (i + 1), row.querySelector('.tr-text').value, MAX_TEXT),
      }));
      if (rows.length > MAX_TRANSLATIONS) throw new Error('At most ' + MAX_TRANSLATIONS + ' translations.');
      rows.forEach((t, i) => {
        const same = (o) => o.lang.toLowerCase() === t.lang.toLowerCase();
        if (same({ lang: tag }) || rows.slice(0, i).some(same)) throw new Error('Translation ' + (i + 1) + ' is a second text in ' + t.lang + '.');
      });
      return {
        appeared: {
          date: needDate('The date', date.value),
          url: blankOr('The web address', url.value, needUrl),
          venue: blankOr('The venue', venue.value, needText, MAX_NAME),
        },
        chain: chain.read(),
        lang: tag,
        quote: blankOr('The quoted words', quote.value, needText, MAX_TEXT),
        text: needText('The text', text.value, MAX_TEXT),
        translations: rows.length ? rows : undefined,
      };
    };
    return { el, read };
  }

  // The standing claims that resemble `text` (POST /v1/match; nothing is
  // written).
  async function resembling(text) {
    const response = await post('/v1/match', JSON.stringify({ text, limit: 5 }));
    if (!response.ok) throw new Error('The server could not look for claims like it (it answered ' + response.status + '); nothing was signed.');
    const answer = await response.json();
    return answer.matches || [];
  }

  // Records `body` as a claim and then, when `same` is a claim's id,
  // relates the new claim `same-as` it: two entries, signed in turn.
  async function recordClaim(key, body, same) {
    const answer = await signAndPost(key, 'claim', body);
    const claimLine = recorded('claim', answer, h('a', { href: claimHref(answer.id) }, 'the claim'));
    if (!same) return claimLine;
    const box = h('div', null, claimLine);
    await settle(box.appendChild(h('div')), 'relation', async () => {
      const related = await signAndPost(key, 'relation', { from: answer.id, relation: 'same-as', to: same });
      return recorded('relation', related, 'the same story as ', h('a', { href: claimHref(same) }, h('code', null, short(same))));
    });
    return box;
  }

  // The claims recorded already that resemble the one about to be: the
  // editor records it related `same-as` one of them, or on its own.
  function duplicatesOffer(key, read, found, outcome) {
    const choose = (same) => () => settle(outcome, 'claim', () => recordClaim(key, read(), same));
    const alone = h('button', { type: 'button', id: 'claim-record-alone' }, 'Record it as a claim of its own');
    alone.addEventListener('click', choose(null));
    return h(
      'div',
      { class: 'duplicates', id: 'claim-duplicates' },
      h('p', null, (found.length === 1 ? 'A claim recorded already resembles it' : found.length + ' claims recorded already resemble it') + '. If it is another report of the same story, record it related \u201csame as\u201d that claim; else record it on its own. Nothing is signed until you choose.'),
      h(
        'ol',
        { class: 'results' },
        found.map((m) => {
          const same = h('button', { type: 'button', class: 'same-as', 'data-claim': m.id }, 'Record it, the same story as this one');
          same.addEventListener('click', choose(m.id));
          return h(
            'li',
            { class: 'result' },
            h('a', { class: 'claim-link', href: claimHref(m.id) }, h('p', langAttrs(m.lang, { class: 'claim-snippet' }), m.text)),
            h('p', { class: 'meta' }, 'resemblance ', num(m.score), ' \u00b7 ', when(m.date), ' \u00b7 ', h('code', null, short(m.id))),
            same,
          );
        }),
      ),
      h('p', null, alone),
    );
  }

  function claimForm(key, sources, onNew) {
    const fields = claimFields('claim', sources, onNew, null);
    const form = workbenchForm('claim-form', fields.el, h('p', null, h('button', { type: 'submit', id: 'claim-submit' }, 'Look for the same claim, then sign and record')));
    const outcome = onSubmit(form, 'claim', async (box) => {
      const body = fields.read();
      const found = await resembling(body.text);
      if (!found.length) return recordClaim(key, body, null);
      box.replaceChildren(duplicatesOffer(key, fields.read, found, box));
      return null;
    });
    return h('div', null, form, outcome);
  }

  // The source form's values as a source body, checked as the ledger
  // checks them; free text in NFC as the command line makes it.
  function sourceBody(form) {
    const value = (name) => form.elements[name].value;
    const id = value('id').trim();
    if (!SLUG_RE.test(id)) throw new Error('The id must be 1 to 64 characters from a-z, 0-9 and -, not starting with -.');
    const kind = value('kind');
    if (!SOURCE_KINDS.includes(kind)) throw new Error('Choose what kind of source it is.');
    const affiliations = [...new Set(value('affiliations').split(/[\s,]+/).filter(Boolean))].sort();
    for (const a of affiliations) {
      if (!SLUG_RE.test(a)) throw new Error('Affiliation \u201c' + a + '\u201d is not a source id.');
      if (a === id) throw new Error('A source cannot be affiliated with itself.');
    }
    if (affiliations.length > MAX_AFFILIATIONS) throw new Error('At most ' + MAX_AFFILIATIONS + ' affiliations.');
    return {
      affiliations: affiliations.length ? affiliations : undefined,
      description: blankOr('The description', value('description'), needText, MAX_NAME),
      id,
      kind,
      language: blankOr('The language', value('language'), needLang),
      name: needText('The name', value('name'), MAX_NAME),
      url: blankOr('The web address', value('url'), needUrl),
    };
  }

  // The source form; `added(body)` hears of each source recorded. Returns
  // { el, start(name) }: `start` fills in a new source's name (and an id
  // made from it) and brings the form to the writer.
  function sourceForm(key, added) {
    const id = h('input', { id: 'source-id', name: 'id', required: true, pattern: '[a-z0-9][a-z0-9-]{0,63}' });
    const name = h('input', { id: 'source-name', name: 'name', required: true, dir: 'auto' });
    const form = workbenchForm(
      'source-form',
      field('Id', id, 'a-z, 0-9 and -, e.g. agenzia-nova'),
      field('Name', name),
      field('Kind', h('select', { id: 'source-kind', name: 'kind' }, SOURCE_KINDS.map((k) => h('option', { value: k }, k)))),
      field('Web address', h('input', { id: 'source-url', name: 'url', type: 'url' }), 'optional'),
      field('Language', h('input', { id: 'source-language', name: 'language' }), 'optional, e.g. ar'),
      field('Description', h('input', { id: 'source-description', name: 'description', dir: 'auto' }), 'optional: role or title'),
      field('Affiliations', h('input', { id: 'source-affiliations', name: 'affiliations' }), 'optional: ids of defined sources, separated by spaces'),
      h('p', null, h('button', { type: 'submit', id: 'source-submit' }, 'Sign and add the source')),
    );
    const outcome = onSubmit(form, 'source', async () => {
      const body = sourceBody(form);
      const answer = await signAndPost(key, 'source', body);
      added(body);
      return recorded('source', answer, h('a', { href: sourceHref(body.id) }, body.name));
    });
    const start = (words) => {
      name.value = words;
      id.value = fold(words).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
      form.scrollIntoView({ block: 'start' });
      id.focus({ preventScroll: true });
    };
    return { el: h('div', null, form, outcome), start };
  }

  // ---- forms on a claim's page ----

  function verdictBody(form, claimId) {
    const value = (name) => form.elements[name].value;
    const rating = value('rating');
    if (!RATINGS.includes(rating)) throw new Error('Choose a rating.');
    const confidence = value('confidence').trim();
    if (!/^\d{1,3}$/.test(confidence) || Number(confidence) > 100) throw new Error('The confidence must be a whole number from 0 to 100.');
    const evidence = value('verdict-evidence')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line, i) => needText('Evidence ' + (i + 1), line, MAX_URL));
    if (evidence.length > MAX_EVIDENCE) throw new Error('At most ' + MAX_EVIDENCE + ' pieces of evidence.');
    return {
      claim: claimId,
      confidence: Number(confidence),
      evidence: evidence.length ? evidence : undefined,
      rating,
      rationale: needText('The rationale', value('verdict-rationale'), MAX_TEXT),
      supersedes: form.elements.supersedes && value('supersedes') ? value('supersedes') : undefined,
    };
  }

  // A fact-checker's verdict on claim `c` (as GET /v1/claims/ID has it);
  // it may replace the key's own current verdict on it.
  function verdictForm(key, c) {
    const mine = (c.verdicts || []).filter((v) => v.current && v.signer === key.name);
    const form = workbenchForm(
      'verdict-form',
      field('Rating', h('select', { id: 'verdict-rating', name: 'rating' }, RATINGS.map((r) => h('option', { value: r }, r)))),
      field('Confidence', h('input', { id: 'verdict-confidence', name: 'confidence', type: 'number', min: 0, max: 100, step: 1 }), 'per cent, 0 to 100'),
      field('Rationale', textArea('verdict-rationale', '', 4)),
      field('Evidence', textArea('verdict-evidence', '', 3), 'optional: links or citations, one a line'),
      mine.length
        ? field('Replaces', h('select', { id: 'verdict-supersedes', name: 'supersedes' }, h('option', { value: '' }, 'nothing: a verdict of its own'), mine.map((v) => h('option', { value: v.id }, 'my verdict ' + short(v.id) + ' (' + ((v.verdict || {}).rating || '?') + ')'))))
        : null,
      h('p', null, h('button', { type: 'submit', id: 'verdict-submit' }, 'Sign and record the verdict')),
    );
    const outcome = onSubmit(form, 'verdict', async () => {
      const body = verdictBody(form, c.id);
      const answer = await signAndPost(key, 'verdict', body);
      return recorded('verdict', answer, body.rating + ', confidence ' + body.confidence + '%');
    });
    return h('div', null, form, outcome);
  }

  // Relates claim `c` to another, found by its words as one types (the
  // API's claim search) or by its whole id.
  function relationForm(key, c) {
    let other = null;
    const chosen = h('p', { class: 'chosen', id: 'relation-to-chosen' }, 'No claim chosen yet.');
    const choose = (item) => {
      other = item.value;
      chosen.setAttribute('data-claim', item.value);
      chosen.replaceChildren('The other claim: ', h('a', { href: claimHref(item.value) }, h('span', langAttrs(item.lang), item.label)), ' ', h('code', null, short(item.value)));
    };
    const find = async (query) => {
      if (ENTRY_ID_RE.test(query)) return [{ value: query, label: 'the claim ' + short(query), note: '' }];
      const found = await api('/v1/claims?limit=8&q=' + encodeURIComponent(query));
      return (found.claims || [])
        .filter((o) => o.id !== c.id)
        .map((o) => ({ value: o.id, label: o.text.length > 140 ? o.text.slice(0, 139) + '\u2026' : o.text, lang: o.lang, note: short(o.id) }));
    };
    const search = picker('relation-to', find, choose, null);
    const kind = h('select', { id: 'relation-kind', name: 'relation' }, Object.entries(CLAIM_RELATION_WORDING).map(([r, words]) => h('option', { value: r }, words)));
    const note = textArea('relation-note', '', 2);
    const form = workbenchForm(
      'relation-form',
      field('This claim', kind),
      field('the claim', search.input, 'type some of its words, or its id'),
      search.offers,
      chosen,
      field('Note', note, 'optional: why they are linked'),
      h('p', null, h('button', { type: 'submit', id: 'relation-submit' }, 'Sign and record the relation')),
    );
    const outcome = onSubmit(form, 'relation', async () => {
      if (!other || !ENTRY_ID_RE.test(other)) throw new Error('Choose the other claim.');
      if (other === c.id) throw new Error('A claim cannot be related to itself.');
      if (!(kind.value in CLAIM_RELATION_WORDING)) throw new Error('Choose how the claims stand to each other.');
      const body = { from: c.id, note: blankOr('The note', note.value, needText, MAX_TEXT), relation: kind.value, to: other };
      const answer = await signAndPost(key, 'relation', body);
      return recorded('relation', answer, 'this claim ', CLAIM_RELATION_WORDING[body.relation], ' ', h('a', { href: claimHref(other) }, h('code', null, short(other))));
    });
    return h('div', null, form, outcome);
  }

  // An editor's amendment of claim `c`: a corrected chain, a corrected
  // claim, or its retraction, with the reason.
  function amendmentForm(key, c, sources) {
    const current = c.claim || {};
    const chain = chainEditor('amend', sources, null, current.chain);
    const fields = claimFields('amend-claim', sources, null, current);
    const parts = {
      reattribute: h('div', { id: 'amend-reattribute' }, h('h3', null, 'The corrected chain'), chain.el),
      'correct-claim': h('div', { id: 'amend-correct', hidden: true }, h('h3', null, 'The corrected claim'), fields.el),
      retract: h('div', { id: 'amend-retract', hidden: true }, h('p', { class: 'muted' }, 'The claim stays in the ledger, marked as no longer standing.')),
    };
    const change = h(
      'select',
      { id: 'amend-change', name: 'change' },
      h('option', { value: 'reattribute' }, 're-attribute it: a corrected chain'),
      h('option', { value: 'correct-claim' }, 'correct it: its text, language, translations, chain, where or when'),
      h('option', { value: 'retract' }, 'retract it'),
    );
    change.addEventListener('change', () => {
      for (const [type, part] of Object.entries(parts)) part.hidden = type !== change.value;
    });
    const reason = textArea('amend-reason', '', 3);
    const form = workbenchForm(
      'amend-form',
      field('Change', change),
      Object.values(parts),
      field('Reason', reason, 'why it is amended; shown with the claim'),
      h('p', null, h('button', { type: 'submit', id: 'amend-submit' }, 'Sign and record the amendment')),
    );
    const outcome = onSubmit(form, 'amend', async () => {
      const type = change.value;
      const made = { reattribute: () => ({ chain: chain.read(), type }), 'correct-claim': () => ({ claim: fields.read(), type }), retract: () => ({ type }) }[type];
      if (!made) throw new Error('Choose what the amendment changes.');
      const body = { change: made(), reason: needText('The reason', reason.value, MAX_TEXT), target: c.id };
      const answer = await signAndPost(key, 'amendment', body);
      return recorded('amend', answer, { reattribute: 'its re-attribution', 'correct-claim': 'its correction', retract: 'its retraction' }[type]);
    });
    return h('div', null, form, outcome);
  }

  // What the loaded key may sign about claim `c`, as forms, or why it may
  // not, told before anything is signed.
  async function claimWriting(c, sources) {
    const panel = section('write', 'Sign about this claim');
    const key = workbenchKey;
    if (!key) {
      add(panel, h('p', { class: 'muted', id: 'write-none' }, 'To rate, relate or amend this claim, load your key in the ', h('a', { href: '#/workbench' }, 'workbench'), ' (or use the key kept in this browser there); it stays in this page until it is reloaded or closed.'));
      return panel;
    }
    await standingOf(key);
    const status = (cls, text) => h('p', { class: 'key-status ' + cls, id: 'write-status', 'data-status': cls }, text);
    add(panel, h('p', null, 'With the key ', h('code', null, key.name + '+' + key.keyId), ' loaded in the workbench.'));
    const no = whyNot(key, ['verdict', 'relation', 'amendment'], 'rate, relate or amend claims; a fact-checker key rates them, an editor key amends them, either relates them');
    if (no) return add(panel, status(no[0], no[1]));
    const can = [['verdict', 'rate'], ['relation', 'relate'], ['amendment', 'amend']].filter(([kind]) => allowed(key, kind)).map(([, verb]) => verb);
    add(panel, status('ok', 'This key may ' + orList(can) + ' this claim.'));
    if (allowed(key, 'verdict')) add(panel, h('h3', null, 'Sign a verdict'), verdictForm(key, c));
    if (allowed(key, 'relation')) add(panel, h('h3', null, 'Relate it to another claim'), relationForm(key, c));
    if (allowed(key, 'amendment')) add(panel, h('h3', null, 'Amend it'), amendmentForm(key, c, sources));
    return panel;
  }

  // ---- the workbench page ----

  // What the loaded key is and may do, and the forms it may use.
  async function keyPanel(box) {
    box.replaceChildren();
    const key = workbenchKey;
    if (!key) {
      add(box, h('p', { class: 'muted', id: 'key-none' }, 'No key loaded.'));
      return;
    }
    add(box, h('p', null, 'Loaded key ', h('code', { id: 'key-vkey' }, key.vkey), key.kept ? ' (in this page, and kept in this browser).' : ' (in this page only).'));
    const standing = await standingOf(key);
    const status = (cls, text) => add(box, h('p', { class: 'key-status ' + cls, id: 'key-status', 'data-status': cls }, text));
    if (standing.enrolled) {
      add(box, dl([
        ['Holder', standing.enrolled.holder ? h('span', { dir: 'auto' }, standing.enrolled.holder) : '–'],
        ['Roles', h('span', { id: 'key-roles' }, standing.enrolled.roles.join(', '))],
        ['Enrolled by', h('span', null, 'entry #' + standing.enrolled.seq)],
      ]));
    }
    const no = whyNot(key, ['claim', 'source'], 'record claims or add sources; an editor or fact-checker key may');
    if (no) {
      status(no[0], no[1]);
      return;
    }
    const onPage = [['verdict', 'rate'], ['relation', 'relate'], ['amendment', 'amend']].filter(([kind]) => allowed(key, kind)).map(([, verb]) => verb);
    status('ok', 'This key may record claims and add sources here' + (onPage.length ? ', and ' + orList(onPage) + ' a claim from its page' : '') + '.');
    const sources = await sourceNames();
    // The hop waiting for the source being added, if any.
    let waiting = null;
    const source = sourceForm(key, (body) => {
      sources.set(body.id, body.name);
      if (waiting) waiting(body.id);
      waiting = null;
    });
    const onNew = (query, set) => {
      waiting = set;
      source.start(query);
    };
    if (allowed(key, 'claim')) add(box, section('record-claim', 'Record a claim', claimForm(key, sources, allowed(key, 'source') ? onNew : null)));
    if (allowed(key, 'source')) add(box, section('add-source', 'Add a source', source.el));
  }

  // What keeping a key in this browser means, said where it is offered.
  const KEEP_WORDS = 'A kept key stays in this browser\u2019s storage for this site until you forget it, so you need not load the file again. Scripts cannot read it out as bytes, but any script this server sends to this page can still sign with it while it is kept: keep it only on a server you trust, and not on a shared computer. If it is ever misused, have it revoked.';

  // The key kept in this browser, if any: offered for use, or the offer to
  // keep the loaded one; and the button that forgets it. `use(key)` loads
  // a key into the page (null: none).
  async function keptPanel(box, use) {
    box.replaceChildren();
    let kept = null;
    try {
      kept = await keptKey();
    } catch (err) {
      kept = { unusable: err };
    }
    const loaded = workbenchKey;
    // Whether the loaded key is the kept one (its file loaded again, too).
    if (loaded) loaded.kept = Boolean(kept && !kept.unusable && kept.vkey === loaded.vkey);
    const forget = h('button', { type: 'button', id: 'key-forget-kept' }, 'Forget the kept key');
    forget.addEventListener('click', async () => {
      try {
        await forgetKeptKey();
      } catch (err) {
        box.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'kept-error' }, 'The kept key could not be forgotten: ' + err.message));
        return;
      }
      // Forgotten in this page too, when it is the key in use.
      await use(loaded && loaded.kept ? null : loaded);
    });
    if (kept && kept.unusable) {
      add(box, h('p', { class: 'error', role: 'alert', id: 'kept-error' }, kept.unusable.message), h('p', null, forget));
      return;
    }
    if (kept && loaded && loaded.kept) {
      add(box, h('p', { id: 'kept-status' }, 'This key is kept in this browser: it will be offered here the next time the page is opened. ', forget), h('p', { class: 'muted' }, KEEP_WORDS));
      return;
    }
    if (kept) {
      const useKept = h('button', { type: 'button', id: 'key-use-kept' }, 'Use the kept key');
      useKept.addEventListener('click', () => use(kept));
      add(box,
        h('p', null, 'A key is kept in this browser: ', h('code', { id: 'kept-vkey' }, kept.vkey), kept.holder ? [' (', h('span', { dir: 'auto' }, kept.holder), ')'] : null, '.'),
        h('p', null, useKept, ' ', forget),
      );
    } else {
      add(box, h('p', { class: 'muted', id: 'kept-none' }, 'No key is kept in this browser.'));
    }
    if (loaded && !loaded.kept) {
      const keep = h('button', { type: 'button', id: 'key-keep' }, 'Keep this key in this browser');
      keep.addEventListener('click', async () => {
        try {
          await keepKey(loaded);
        } catch (err) {
          box.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'kept-error' }, 'The key could not be kept: ' + err.message));
          return;
        }
        await use(loaded);
      });
      add(box, h('p', null, keep, kept ? ' (instead of the key kept now)' : '', ' \u2014 by default the loaded key is forgotten when the page is reloaded or closed.'), h('p', { class: 'muted' }, KEEP_WORDS));
    }
  }

  async function workbenchPage(view) {
    add(view,
      h('h1', { tabindex: -1 }, 'Workbench'),
      h('p', { class: 'lead' }, 'Sign entries with your own isnad key and add them to this ledger. The key file is read by this page and never sent to the server or anywhere else. By default the key stays in the page\u2019s memory only and is forgotten when you close or reload the page; you may instead choose to keep it in this browser. Claims are recorded here; a claim\u2019s own page offers its verdict, relation and amendment forms while the key is loaded.'),
    );
    const input = h('input', { id: 'key-file', type: 'file', accept: '.key,text/plain' });
    const box = h('div', { id: 'key-panel' });
    const keptBox = h('div', { id: 'key-kept' });
    const problem = h('div', { id: 'key-problem', 'aria-live': 'polite' });
    // Loads `key` (or none) into the page and shows where it stands.
    const use = async (key) => {
      workbenchKey = key;
      await keptPanel(keptBox, use);
      try {
        await keyPanel(box);
      } catch (err) {
        box.replaceChildren(errorBox(err));
      }
    };
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      input.value = '';
      problem.replaceChildren();
      if (!file) return;
      let key = null;
      try {
        key = await loadKeyFile(await file.text());
      } catch (err) {
        problem.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'key-error' }, err.message));
      }
      await use(key);
    });
    const forget = h('button', { type: 'button', id: 'key-forget' }, 'Forget the key');
    forget.addEventListener('click', () => use(null));
    add(view, section('key', 'Your key', field('Key file', input, 'your PRIVATE+KEY+\u2026 file'), h('p', null, forget), problem, keptBox, box));
    await use(workbenchKey);
    return 'Workbench';
  }

  // ---- routing ----

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const at = raw.indexOf('?');
    const path = at < 0 ? raw : raw.slice(0, at);
    const params = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
    const parts = path
      .split('/')
      .filter(Boolean)
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch (_) {
          return p;
        }
      });
    return { parts, params };
  }

  const main = document.getElementById('main');
  const input = document.getElementById('search-q');
  let generation = 0;

  async function render() {
    const current = ++generation;
    const { parts, params } = parseHash();
    const view = h('div', { class: 'view' });
    main.setAttribute('aria-busy', 'true');
    let title = 'isnad explorer';
    try {
      if (parts.length === 0) {
        title = await homePage(view);
      } else if (parts[0] === 'search') {
        const q = params.get('q') || '';
        if (document.activeElement !== input) input.value = q;
        title = await searchPage(view, q);
      } else if (parts[0] === 'claim' && parts[1]) {
        title = await claimPage(view, parts[1]);
      } else if (parts[0] === 'source' && parts[1]) {
        title = await sourcePage(view, parts[1]);
      } else if (parts[0] === 'checkers') {
        title = await checkersPage(view);
      } else if (parts[0] === 'checker' && parts[1]) {
        title = await checkerPage(view, parts[1]);
      } else if (parts[0] === 'workbench') {
        title = await workbenchPage(view);
      } else {
        add(view, h('h1', { tabindex: -1 }, 'Nothing here'), h('p', null, h('a', { href: '#/' }, 'Back to the start')));
      }
    } catch (err) {
      view.replaceChildren(h('h1', { tabindex: -1 }, err && err.status === 404 ? 'Not found' : 'Something went wrong'), errorBox(err));
    }
    if (current !== generation) return; // a later navigation won
    main.replaceChildren(view);
    main.removeAttribute('aria-busy');
    document.title = title === 'isnad explorer' ? title : title + ' \u2014 isnad explorer';
    if (document.activeElement !== input) {
      const heading = view.querySelector('h1');
      if (heading) heading.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }

  document.getElementById('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const target = '#/search?q=' + encodeURIComponent(input.value.trim());
    if (location.hash === target) render();
    else location.hash = target;
  });
  window.addEventListener('hashchange', render);
  render();
})();
