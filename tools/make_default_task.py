#!/usr/bin/env python3
"""Generates the default task that `rebel train` runs with no arguments (see docs/default-task.md).

The task: a prompt names 2 to 4 things ("Write about apple, river and lamp."); a completion describes them.
The judge is a weighted majority vote of three transitive criteria that trade off against each other:

  coverage  - the share of the prompt's keywords the completion mentions (more is better),
  detail    - how many distinct descriptive words from a fixed list of 12 it uses (more is better),
  brevity   - how few words it has (fewer is better).

Coverage and detail both cost words, so among good completions the majority is often cyclic
(a = 3 things plainly, b = 2 things with 2 adjectives, c = 4 things with 1 adjective: a beats b, b beats c,
c beats a). Weights 1.2 (coverage), 1.1 (brevity), 1.0 (detail) break the one-against-one votes that arise
when a criterion ties, so the vote itself rarely ties; coverage weighing most means an empty answer never wins. The reference completions in the SFT corpus are reasonable but improvable: they skip some
things, pad with filler words and "and", and sometimes repeat themselves.

Outputs (all under data/default/), written deterministically from the seed:
  prompts.jsonl        training prompts           {"prompt"}
  eval_prompts.jsonl   held-out prompts           {"prompt"}   (keyword sets disjoint from training ones)
  sft.jsonl            the SFT corpus             {"prompt", "completion"}: reference descriptions, plus echo
                       exercises ("Repeat: apple, river." -> " apple, river.") that teach the tiny model to copy
                       words from its prompt, which a 2-layer transformer trained from scratch is slow to discover
  preferences.jsonl    offline preferences        {"prompt", "chosen", "rejected"}, labelled by the judge,
                       with a known share of labels flipped (annotation noise); ties are left out
  manifest.json        counts, the judge spec and how many labels were flipped

This script reimplements the judge's three criteria in Python only to label the offline data; a C# test checks
that Rebel's own judge disagrees with exactly the flipped labels.

Run: python3 tools/make_default_task.py   (standard library only)
"""
import json
import os
import random
import re

SEED = 20261121
TRAIN_PROMPTS = 4000
EVAL_PROMPTS = 400
SFT_EXAMPLES = 6000
ECHO_EXAMPLES = 3000
PREFERENCE_PAIRS = 2000
LABEL_NOISE = 0.10

# Things a prompt can name: at least 4 letters and not in the keyword judge's stop-word list, so the
# `keywords` judge reads exactly these words as the prompt's keywords.
THINGS = [
    "apple", "river", "lamp", "stone", "cloud", "garden", "horse", "candle", "bridge", "forest",
    "mirror", "pencil", "castle", "ocean", "window", "basket", "flower", "rabbit", "tower", "bottle",
    "island", "kettle", "ladder", "meadow", "orchard", "piano", "rocket", "saddle", "tiger", "violin",
    "wagon", "anchor", "barrel", "cabin", "desert", "engine", "feather", "glacier", "harbor", "jacket",
]
# The detail criterion's descriptive words (the judge spec lists the same words).
ADJECTIVES = ["red", "blue", "green", "old", "new", "small", "big", "bright", "dark", "soft", "warm", "cold"]
# Words that add length and nothing else.
FILLERS = ["very", "really", "just", "quite", "some", "the"]
# Prompt templates use only short words and the keyword judge's stop words ("write", "tell", "about", "please").
TEMPLATES = ["Write about {}.", "Tell me about {}.", "Please write about {}."]

# Vote weights: any two criteria outvote the third; when only two disagree (the third ties), coverage beats
# brevity beats detail. Ties of the vote are then rare, the trade-off makes cycles common, and saying nothing
# (which wins brevity) loses to anything that names one of the things.
WEIGHTS = (1.2, 1.0, 1.1)
JUDGE_SPEC = "vote(1.2*keywords,keywords({}),1.1*brevity)".format("|".join(ADJECTIVES))


def words(text):
    """Rebel's rule-judge word segmentation: runs of letters, digits or apostrophes, lower-cased."""
    return [w.lower() for w in re.findall(r"[A-Za-z0-9']+", text)]


def listing(items):
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def make_prompt(rng, things):
    return rng.choice(TEMPLATES).format(listing(things))


def reference_completion(rng, things):
    """A reasonable but improvable description: some things skipped, filler, sometimes a repeat."""
    chosen = [t for t in things if rng.random() < 0.65] or [rng.choice(things)]
    if rng.random() < 0.3:
        rng.shuffle(chosen)
    items = []
    for thing in chosen:
        phrase = thing
        if rng.random() < 0.3:
            phrase = rng.choice(ADJECTIVES) + " " + phrase
        if rng.random() < 0.25:
            phrase = rng.choice(FILLERS) + " " + phrase
        items.append(phrase)
    if rng.random() < 0.15:
        items.append(rng.choice(chosen))
    if len(items) > 1 and rng.random() < 0.5:
        text = ", ".join(items[:-1]) + " and " + items[-1]
    else:
        text = ", ".join(items)
    # Lower case and a leading space, so every word is the same token as in the prompt (" apple").
    return " " + text + "."


def scores(prompt_things, completion):
    """The three criteria, each larger-is-better: coverage, detail, brevity."""
    w = words(completion)
    present = set(w)
    coverage = sum(1 for t in prompt_things if t in present) / len(prompt_things)
    detail = sum(1 for a in ADJECTIVES if a in present) / len(ADJECTIVES)
    brevity = -len(w)
    return coverage, detail, brevity


def majority(prompt_things, a, b):
    """P(a beats b) under the weighted vote: 1, 0, or 0.5 when the weights for a and b are equal."""
    votes = 0.0
    for w, sa, sb in zip(WEIGHTS, scores(prompt_things, a), scores(prompt_things, b)):
        votes += w * ((sa > sb) - (sa < sb))
    return 1.0 if votes > 0 else 0.0 if votes < 0 else 0.5


def keyword_sets(rng, count, taken):
    sets = []
    while len(sets) < count:
        things = rng.sample(THINGS, rng.randint(2, 4))
        key = frozenset(things)
        if key in taken:
            continue
        taken.add(key)
        sets.append(things)
    return sets


def write_jsonl(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "default")
    os.makedirs(root, exist_ok=True)
    rng = random.Random(SEED)
    taken = set()
    train_sets = keyword_sets(rng, TRAIN_PROMPTS, taken)
    eval_sets = keyword_sets(rng, EVAL_PROMPTS, taken)
    train = [(make_prompt(rng, s), s) for s in train_sets]
    held_out = [(make_prompt(rng, s), s) for s in eval_sets]

    sft = []
    for i in range(SFT_EXAMPLES):
        prompt, things = train[i % len(train)]
        sft.append({"prompt": prompt, "completion": reference_completion(rng, things)})
    for _ in range(ECHO_EXAMPLES):
        things = rng.sample(THINGS, rng.randint(2, 4))
        sft.append({"prompt": "Repeat: " + ", ".join(things) + ".", "completion": " " + ", ".join(things) + "."})
    rng.shuffle(sft)

    preferences, flipped, ties, cyclic_checked, cyclic = [], 0, 0, 0, 0
    while len(preferences) < PREFERENCE_PAIRS:
        prompt, things = rng.choice(train)
        a, b, c = (reference_completion(rng, things) for _ in range(3))
        p_ab, p_bc, p_ca = majority(things, a, b), majority(things, b, c), majority(things, c, a)
        cyclic_checked += 1
        cyclic += (p_ab == p_bc == p_ca) and p_ab != 0.5
        if p_ab == 0.5:
            ties += 1
            continue
        chosen, rejected = (a, b) if p_ab == 1.0 else (b, a)
        if rng.random() < LABEL_NOISE:
            chosen, rejected = rejected, chosen
            flipped += 1
        preferences.append({"prompt": prompt, "chosen": chosen, "rejected": rejected})

    write_jsonl(os.path.join(root, "prompts.jsonl"), [{"prompt": p} for p, _ in train])
    write_jsonl(os.path.join(root, "eval_prompts.jsonl"), [{"prompt": p} for p, _ in held_out])
    write_jsonl(os.path.join(root, "sft.jsonl"), sft)
    write_jsonl(os.path.join(root, "preferences.jsonl"), preferences)
    manifest = {
        "seed": SEED,
        "judge": JUDGE_SPEC,
        "train_prompts": len(train),
        "eval_prompts": len(held_out),
        "sft_examples": len(sft),
        "sft_echo_examples": ECHO_EXAMPLES,
        "preference_pairs": len(preferences),
        "label_noise": LABEL_NOISE,
        "flipped_labels": flipped,
        "tied_pairs_skipped": ties,
        "reference_triples_checked": cyclic_checked,
        "reference_triples_cyclic": cyclic,
    }
    tmp = os.path.join(root, "manifest.json.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(root, "manifest.json"))
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
