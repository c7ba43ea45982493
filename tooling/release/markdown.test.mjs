import { describe, expect, it } from 'vitest';
import { markdownBlocks, namedFileBlocks, section } from './markdown.mjs';

const doc = `# Title

## Usage

Run:

\`\`\`sh
npm install x
\`\`\`

1. A file:

   **\`a.json\`**

   \`\`\`json
   { "a": 1 }
   \`\`\`

   **\`b.js\`**: with words after it

   \`\`\`js
   if (x) {
     y();
   }
   \`\`\`

   \`\`\`sh
   npx run-it
   \`\`\`

### Deeper

\`\`\`sh
deeper
\`\`\`

## Next

\`\`\`sh
not in usage
\`\`\`
`;

describe('reading a README', () => {
  it('takes a section up to the next heading of its level, deeper ones included', () => {
    const usage = section(doc, '## Usage');
    expect(usage).toContain('deeper');
    expect(usage).not.toContain('not in usage');
    expect(() => section(doc, '## Missing')).toThrow("no section '## Missing'");
  });

  it('gives the blocks of a language with the list indent removed, nested indent kept', () => {
    expect(markdownBlocks(section(doc, '## Usage'), 'sh')).toEqual(['npm install x\n', 'npx run-it\n', 'deeper\n']);
    expect(markdownBlocks(doc, 'js')).toEqual(['if (x) {\n  y();\n}\n']);
  });

  it('maps each file named in bold to the block right after it, and no later block', () => {
    const files = namedFileBlocks(doc);
    expect([...files.keys()]).toEqual(['a.json', 'b.js']);
    expect(files.get('a.json')).toBe('{ "a": 1 }\n');
  });
});
