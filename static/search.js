// The search page: drives Pagefind's browser API (pagefind/pagefind.js, written by
// `toolpages build`) and renders accessible results. Without JavaScript the page shows
// links to the listing pages instead (templates/search.html).
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const selects = {
  category: document.getElementById("search-category"),
  risk: document.getElementById("search-risk"),
  server: document.getElementById("search-server"),
};
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const bundle = form.dataset.bundle;
// Records whose data (text and tools) is loaded per "page" of results.
const BATCH = 10;

let pagefind = null;
let current = { results: [], next: 0, term: "", shown: 0, id: 0 };

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A record is a server's tools of one category, filed under `/servers/x/#category`; each
// tool is a heading whose id is the tool's slug, and its page is `/servers/x/<slug>/`.
function toolUrl(recordUrl, id) {
  return recordUrl.split("#")[0].split("?")[0] + id + "/";
}

function toolItems(data) {
  const withAnchor = data.sub_results.filter((s) => s.anchor && s.anchor.element === "h2");
  if (withAnchor.length) {
    return withAnchor.map((s) => ({
      id: s.anchor.id,
      name: s.anchor.text,
      excerpt: s.excerpt,
      // How well this tool's own text matched (Pagefind's per-word scores).
      score: s.weighted_locations.reduce((sum, l) => sum + (l.balanced_score || 0), 0),
      data,
    }));
  }
  // Only the server's own words matched: every tool of the record is a result.
  return data.anchors
    .filter((a) => a.element === "h2")
    .map((a) => ({ id: a.id, name: a.text, excerpt: "", score: -1, data }));
}

function renderItem(tool) {
  const meta = tool.data.meta;
  const li = element("li");
  const link = element("a", "result-link");
  link.href = toolUrl(tool.data.url, tool.id);
  link.append(element("code", "", tool.name));
  const about = element("span", "result-meta", "on ");
  about.append(
    element("span", "result-server", meta.server || ""),
    " · ",
    element("span", `badge cat-${meta.category_slug || ""}`, meta.category || ""),
    " ",
    element("span", `badge risk-${meta.risk_slug || ""}`, `${meta.risk || ""} risk`)
  );
  li.append(link, about);
  if (tool.excerpt) {
    // Pagefind's excerpt is the indexed text with `<` and `>` escaped, matches in <mark>.
    const excerpt = element("p", "excerpt");
    excerpt.innerHTML = tool.excerpt;
    li.append(excerpt);
  }
  return li;
}

function describe(term) {
  const filters = Object.entries(selects)
    .filter(([, s]) => s.value)
    .map(([name, s]) => `${name} ${s.value}`);
  const what = term ? `“${term}”` : "your filters";
  return filters.length && term ? `${what} (${filters.join(", ")})` : what;
}

// When no indexed word starts with a query word, Pagefind falls back to words that start
// with a shorter part of it ("qqxyz" finds every "q"): those are not matches to the reader.
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}
function isRealMatch(data, terms) {
  if (!terms.length) return true;
  const excerpts = [data.excerpt, ...data.sub_results.map((s) => s.excerpt)].join(" ");
  const marked = Array.from(excerpts.matchAll(/<mark>(.*?)<\/mark>/g), (m) => fold(m[1]));
  return marked.some((word) =>
    terms.some((term) => {
      let common = 0;
      while (common < term.length && word[common] === term[common]) common += 1;
      return common >= Math.min(3, term.length);
    })
  );
}
function spacedTerms(term) {
  const words = term.split(/\s+/).filter(Boolean).map(fold);
  // Chinese, Japanese and Thai words are split by Pagefind itself: trust its matches.
  return words.some((w) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(w))
    ? []
    : words;
}

function sayNoMatch(term) {
  more.hidden = true;
  statusLine.textContent = `No tools match ${describe(term)}. Check the spelling, use fewer words, or clear a filter.`;
}

async function showNextBatch(id) {
  const batch = current.results.slice(current.next, current.next + BATCH);
  const firstBatch = current.next === 0;
  current.next += batch.length;
  const loaded = await Promise.all(batch.map((r) => r.data()));
  if (id !== current.id) return;
  if (firstBatch && !loaded.some((data) => isRealMatch(data, spacedTerms(current.term)))) {
    sayNoMatch(current.term);
    return;
  }
  // Pagefind ranks records; within a batch, tools are ordered by their own match.
  const tools = loaded.flatMap(toolItems).sort((a, b) => b.score - a.score);
  for (const tool of tools) list.appendChild(renderItem(tool));
  current.shown += tools.length;
  const rest = current.next < current.results.length;
  more.hidden = !rest;
  const count = current.shown === 1 ? "1 tool" : `${current.shown} tools`;
  statusLine.textContent = rest
    ? `Showing the first ${count} matching ${describe(current.term)}; more below.`
    : `${count} match ${describe(current.term)}.`;
}

function readFilters() {
  const filters = {};
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) filters[name] = select.value;
  }
  return filters;
}

function rememberInUrl(term, filters) {
  const params = new URLSearchParams();
  if (term) params.set("q", term);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

async function run() {
  const id = ++current.id;
  const term = input.value.trim();
  const filters = readFilters();
  rememberInUrl(term, filters);
  if (!term && !Object.keys(filters).length) {
    list.replaceChildren();
    more.hidden = true;
    statusLine.textContent = "";
    return;
  }
  const search = await pagefind.debouncedSearch(term || null, { filters }, 150);
  if (search === null || id !== current.id) return;
  list.replaceChildren();
  current = { results: search.results, next: 0, term, shown: 0, id };
  if (!search.results.length) {
    sayNoMatch(term);
    return;
  }
  await showNextBatch(id);
}

// ↓ from the box enters the results; ↑/↓ move between them; ↑ from the first goes back.
function links() {
  return Array.from(list.querySelectorAll("a.result-link"));
}
input.addEventListener("keydown", (event) => {
  if (event.key === "ArrowDown" && links().length) {
    event.preventDefault();
    links()[0].focus();
  } else if (event.key === "Escape") {
    input.value = "";
    run();
  }
});
list.addEventListener("keydown", (event) => {
  const all = links();
  const at = all.indexOf(document.activeElement);
  if (at < 0) return;
  if (event.key === "ArrowDown") {
    event.preventDefault();
    (all[at + 1] || (more.hidden ? all[at] : more)).focus();
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    (at === 0 ? input : all[at - 1]).focus();
  } else if (event.key === "Home") {
    event.preventDefault();
    all[0].focus();
  } else if (event.key === "End") {
    event.preventDefault();
    all[all.length - 1].focus();
  }
});
more.addEventListener("click", async () => {
  const first = current.shown;
  await showNextBatch(current.id);
  const next = links()[first];
  if (next) next.focus();
});

// The index is split into bundles (shards of the catalogue; `pagefind/toolpages-search.json`
// lists them) and, within a bundle, into one index per language whose words Pagefind must
// split (Chinese, Japanese, Thai). The first bundle's main language is Pagefind's own index;
// every other (bundle, language) pair is merged so one query searches them all.
async function mergeIndexes() {
  const response = await fetch(`${bundle}toolpages-search.json`, { cache: "no-cache" });
  const manifest = await response.json();
  const own = document.documentElement.lang.toLowerCase();
  const merges = [];
  manifest.bundles.forEach((b, i) => {
    const languages = Object.keys(b.languages);
    // The language Pagefind itself loads from the first bundle (same rule as Pagefind's).
    const loaded = i > 0 ? null
      : languages.includes(own) ? own
      : languages.includes(own.split("-")[0]) ? own.split("-")[0]
      : languages.sort((x, y) => b.languages[y] - b.languages[x])[0];
    for (const language of languages) {
      if (language === loaded) continue;
      // `./` keeps the first bundle's path distinct from Pagefind's own instance.
      const path = `${bundle}${b.path}${i === 0 ? "./" : ""}`;
      merges.push(pagefind.mergeIndex(path, { language }));
    }
  });
  await Promise.all(merges);
}

async function fillServers() {
  const filters = await pagefind.filters();
  const present = new Set(Array.from(selects.server.options, (o) => o.value));
  for (const id of Object.keys(filters.server || {}).sort()) {
    if (!present.has(id)) selects.server.add(new Option(id, id));
  }
}

async function start() {
  try {
    pagefind = await import(`${bundle}pagefind.js`);
    await pagefind.options({ excerptLength: 24 });
    await mergeIndexes();
  } catch (error) {
    statusLine.textContent = "Search could not load. Browse the listings below instead.";
    console.error(error);
    return;
  }
  // The page works: show the form, keep the listings as a secondary way in.
  form.hidden = false;
  document.getElementById("search-nojs").hidden = true;
  const header = document.querySelector(".site-header form.search");
  if (header) header.hidden = true;
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const [name, select] of Object.entries(selects)) {
    const value = params.get(name);
    if (value && name !== "server") select.value = value;
  }
  if (params.get("server")) selects.server.add(new Option(params.get("server"), params.get("server"), true, true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  for (const select of Object.values(selects)) select.addEventListener("change", run);
  input.focus();
  if (input.value || params.toString()) run();
  fillServers().catch((error) => console.error(error));
}

start();
