"""Second oracle: renders the same fixtures with Python's Jinja2 set up as Hugging Face transformers sets it up for
chat templates (immutable sandbox, trim_blocks, lstrip_blocks, loop controls, a json.dumps-based tojson, and a
raise_exception global), and adds its results to the fixture files: `python_text` / `python_error` on each line.
Checks that the families' real templates render the same in both oracles.
Usage: python3 python_reference.py FIXTURES_DIR   (Debian's python3 with python3-jinja2)"""
import json
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationBlock(Extension):
    """`{% generation %}...{% endgeneration %}` renders its body (transformers also records assistant spans)."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.Scope(body, lineno=lineno)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationBlock, "jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def render(env, template, variables):
    try:
        return {"python_text": env.from_string(template).render(**variables)}
    except Exception as e:  # the fixture records the failure; the C# side asserts it fails too
        return {"python_error": f"{type(e).__name__}: {e}"}


def main(fixtures):
    env = environment()
    constructs_path = f"{fixtures}/constructs.jsonl"
    lines = [json.loads(l) for l in open(constructs_path, encoding="utf-8") if l.strip()]
    for line in lines:
        line.update(render(env, line["template"], line["variables"]))
    with open(constructs_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(l, ensure_ascii=False) + "\n" for l in lines)

    expected_path = f"{fixtures}/expected.jsonl"
    lines = [json.loads(l) for l in open(expected_path, encoding="utf-8") if l.strip()]
    templates = {}
    for line in lines:
        family = line["family"]
        if family not in templates:
            config = json.load(open(f"{fixtures}/{family}/tokenizer_config.json", encoding="utf-8"))
            token = lambda v: v if isinstance(v, str) or v is None else v["content"]
            tokens = {k: token(config[k]) for k in ("bos_token", "eos_token", "unk_token", "pad_token") if config.get(k) is not None}
            templates[family] = (config["chat_template"], tokens)
        template, tokens = templates[family]
        result = render(env, template, dict(messages=line["messages"], add_generation_prompt=line["add_generation_prompt"],
                                            tools=None, documents=None, **tokens))
        if result.get("python_text") != line.get("text") and not ("error" in line and "python_error" in result):
            sys.exit(f"oracles disagree on {family}/{line['case']}: {result} vs {line.get('text') or line.get('error')}")
    print(f"python jinja2 {jinja2.__version__}: {len(lines)} family renders agree with @huggingface/jinja")


if __name__ == "__main__":
    main(sys.argv[1])
