#!/usr/bin/env python3
"""A Rebel process judge: a scalar reward turned into P(a > b) = sigmoid(r(a) - r(b)).

Run it as a judge with:  rebel judge --judge "process:python3 examples/judges/reward_judge.py" ...

Protocol (one JSON object per line, UTF-8):
  request  <- {"id": 1, "comparisons": [{"prompt": "...", "a": "...", "b": "..."}, ...]}
  response -> {"id": 1, "p": [0.73, ...], "rationale": ["...", ...]}   (rationale optional)
  failure  -> {"id": 1, "error": "what went wrong"}
Logs go to stderr; stdout carries only responses. The judge closes stdin when it is done.

The reward here is a toy stand-in for a real model: it likes completions that mention the prompt's words
and are about 20 words long. Replace `reward` with your model's forward pass.
"""
import json
import math
import re
import sys

TARGET_WORDS = 20


def words(text):
    return re.findall(r"[\w']+", text.lower())


def reward(prompt, completion):
    w = words(completion)
    prompt_words = {x for x in words(prompt) if len(x) >= 4}
    coverage = len(prompt_words & set(w)) / len(prompt_words) if prompt_words else 0.0
    return 2.0 * coverage - abs(len(w) - TARGET_WORDS) / TARGET_WORDS


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def answer(request):
    p, why = [], []
    for c in request["comparisons"]:
        ra, rb = reward(c["prompt"], c["a"]), reward(c["prompt"], c["b"])
        p.append(sigmoid(ra - rb))
        why.append(f"r_a={ra:.3f} r_b={rb:.3f}")
    return {"id": request["id"], "p": p, "rationale": why}


def main():
    print("reward_judge.py ready", file=sys.stderr, flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            response = answer(request)
        except Exception as e:  # report the failure for this batch and keep serving
            response = {"id": request.get("id"), "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
