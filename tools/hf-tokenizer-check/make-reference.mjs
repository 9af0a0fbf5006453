// Encodes texts with Hugging Face's own JavaScript tokenizer (npm @huggingface/tokenizers), reading a tokenizer
// directory that Rebel saved: proof that our tokenizer.json / tokenizer_config.json load in Hugging Face's code and
// give the same ids.
//
// usage: node make-reference.mjs PACKAGE_DIR TOKENIZER_DIR TEXTS.jsonl OUT.jsonl
//   PACKAGE_DIR    the unpacked @huggingface/tokenizers package (holding dist/tokenizers.mjs)
//   TOKENIZER_DIR  holds tokenizer.json and tokenizer_config.json
//   TEXTS.jsonl    one {"text": ...} object per line
//   OUT.jsonl      one {"text": ..., "ids": [...]} object per line
import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";

const [packageDir, tokenizerDir, textsPath, outPath] = process.argv.slice(2);
if (!packageDir || !tokenizerDir || !textsPath || !outPath) {
  console.error("usage: node make-reference.mjs PACKAGE_DIR TOKENIZER_DIR TEXTS.jsonl OUT.jsonl");
  process.exit(2);
}
const { Tokenizer } = await import(pathToFileURL(path.resolve(packageDir, "dist/tokenizers.mjs")).href);
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(tokenizerDir, name), "utf-8"));
const tokenizer = new Tokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));

const texts = fs.readFileSync(textsPath, "utf-8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l).text);
// Special-token handling is part of the check: append <|endoftext|> to every fifth text.
const out = texts.map((text, i) => {
  const t = i % 5 === 0 ? text + "<|endoftext|>" : text;
  return JSON.stringify({ text: t, ids: tokenizer.encode(t).ids });
});
fs.writeFileSync(outPath, out.join("\n") + "\n", "utf-8");
console.log(`wrote ${out.length} texts to ${outPath}`);
