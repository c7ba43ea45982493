// Reading a README the way its reader does: a section by its heading, the code blocks in it (fences may
// be indented inside a list), and the files it names in bold (**`package.json`**) above their blocks.

/** The text from `heading` (a whole line, like `## Usage`) to the next heading of the same or a higher level. */
export function section(markdown, heading) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no section '${heading}'`);
  const level = heading.match(/^#+/)[0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.match(/^#+/)[0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Every fenced block as `{ lang, code, line }`, its fence's indent removed from each line. */
function blocks(markdown) {
  const lines = markdown.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)```(\w*)\s*$/);
    if (!open) continue;
    const indent = open[1].length;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++)
      body.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))));
    found.push({ lang: open[2], code: `${body.join('\n')}\n`, line: i });
    i = j;
  }
  return found;
}

/** The code of every block fenced as `lang`. */
export function markdownBlocks(markdown, lang) {
  return blocks(markdown)
    .filter((b) => b.lang === lang)
    .map((b) => b.code);
}

/** Files given in full: a line with **`name`** followed (before any other block) by the block of its content. */
export function namedFileBlocks(markdown) {
  const lines = markdown.split('\n');
  const files = new Map();
  for (const block of blocks(markdown)) {
    for (let i = block.line - 1; i >= 0; i--) {
      const named = lines[i].match(/\*\*`([^`]+)`\*\*/);
      if (named) {
        if (!files.has(named[1])) files.set(named[1], block.code);
        break;
      }
      if (/^\s*```/.test(lines[i])) break;
    }
  }
  return files;
}
