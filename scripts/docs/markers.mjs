// Generated parts of the docs pages live between two HTML comments, `<!-- name:start -->` and
// `<!-- name:end -->`: the generators (scripts/docs.mjs) rewrite what is between them, and the unit
// tests compare it with what the code renders now.

const start = (name) => `<!-- ${name}:start -->`;
const end = (name) => `<!-- ${name}:end -->`;

/** Where the markers are; throws when a page has none, or more than one pair, or they are out of order. */
function locate(text, name, page) {
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from === -1 || to === -1) throw new Error(`${page} lacks the ${start(name)} and ${end(name)} markers`);
  if (to < from) throw new Error(`${page}: ${end(name)} comes before ${start(name)}`);
  if (text.indexOf(start(name), from + 1) !== -1 || text.indexOf(end(name), to + 1) !== -1)
    throw new Error(`${page} has more than one pair of ${name} markers`);
  return { from: from + start(name).length, to };
}

/** The text between the markers, without the line breaks that frame it. */
export function readBetween(text, name, page = 'the page') {
  const { from, to } = locate(text, name, page);
  return text.slice(from, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** The page with `body` between the markers (on lines of its own). */
export function replaceBetween(text, name, body, page = 'the page') {
  const { from, to } = locate(text, name, page);
  return `${text.slice(0, from)}\n${body}\n${text.slice(to)}`;
}
