using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Chat;
using static Rebel.Cli.Tests.ChatLlamaFixture;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>Commands on a model with its own chat template (<see cref="ChatLlamaFixture"/>): conversations read from any
/// dataset format, rendered by the template, scored as the assistant turn ending with <c>&lt;|im_end|&gt;</c>.</summary>
public class ChatModelCommandTests
{
    private static List<JsonNode> ReadLines(string path) => File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!).ToList();

    [Test]
    public void Logprobs_ConversationsFromParquet_ScoreTheAssistantTurn_AsTheirIdsDo()
    {
        var dir = Scratch();
        var scored = Path.Combine(dir, "scored.jsonl");
        var (code, _, error) = Run("logprobs", "--model", ChatModel, "--input", Data("sft.parquet"), "--output", scored);
        Assert.That(code, Is.Zero, error);
        var lines = ReadLines(scored);
        Assert.That(lines, Has.Count.EqualTo(120));

        // the same pairs as ids: the template's rendering with the generation prompt, then the reply and <|im_end|>
        var tokenizer = ModelFolder.LoadTokenizer(ChatModel)!;
        var template = ChatTemplate.Load(ChatModel);
        Assert.That(template.EndOfTurnToken, Is.EqualTo(TurnEnd));
        var ids = Path.Combine(dir, "ids.jsonl");
        File.WriteAllLines(ids, File.ReadLines(Data("sft.jsonl")).Select(l =>
        {
            var messages = JsonNode.Parse(l)!["messages"]!.AsArray().Select(m => new ChatMessage((string)m!["role"]!, (string)m["content"]!)).ToList();
            var prompt = template.Encode(tokenizer, messages[..^1], addGenerationPrompt: true);
            int[] completion = [.. tokenizer.Encode(messages[^1].Content, allowSpecialTokens: false), tokenizer.SpecialTokens[TurnEnd]];
            return new JsonObject { ["prompt_ids"] = new JsonArray(prompt.Select(i => (JsonNode)i).ToArray()), ["completion_ids"] = new JsonArray(completion.Select(i => (JsonNode)i).ToArray()) }.ToJsonString();
        }));
        var byIds = Path.Combine(dir, "by-ids.jsonl");
        (code, _, error) = Run("logprobs", "--model", ChatModel, "--input", ids, "--output", byIds);
        Assert.That(code, Is.Zero, error);
        var expected = ReadLines(byIds);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.That(lines[i]["token_logprobs"]!.AsArray().Select(v => (double)v!), Is.EqualTo(expected[i]["token_logprobs"]!.AsArray().Select(v => (double)v!)).Within(1e-5), $"row {i + 1}");
            Assert.That(lines[i]["messages"], Is.Not.Null, "the record is written back");
        }
    }

    [Test]
    public void Logprobs_PlainTextRecords_KeepTheirIds()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "in.jsonl");
        File.WriteAllText(input, """{"prompt": "<|im_start|>user\nhi", "completion": "apple"}""" + "\n");
        var output = Path.Combine(dir, "out.jsonl");
        var (code, _, error) = Run("logprobs", "--model", ChatModel, "--input", input, "--output", output);
        Assert.That(code, Is.Zero, error);
        var tokenizer = ModelFolder.LoadTokenizer(ChatModel)!;
        Assert.That(ReadLines(output)[0]["token_logprobs"]!.AsArray(), Has.Count.EqualTo(tokenizer.Encode("apple").Length + 1), "text completions end with EOS");
    }

    [Test]
    public void Judge_HubParquetFolder_JsonLines_AndImplicitPrompts_GiveTheSameVerdicts()
    {
        var dir = Scratch();
        List<double> Verdicts(string input)
        {
            var output = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".jsonl");
            var (code, _, error) = Run("judge", "--judge", "vote(keywords,brevity,length(6))", "--input", input, "--output", output);
            Assert.That(code, Is.Zero, error);
            return ReadLines(output).Select(l => (double)l["p"]!).ToList();
        }
        var jsonl = Verdicts(Data("preferences.jsonl"));
        Assert.That(jsonl, Has.Count.EqualTo(160));
        Assert.That(Verdicts(Data("hub")), Is.EqualTo(jsonl));
        Assert.That(Verdicts(Data("preferences-implicit.jsonl")), Is.EqualTo(jsonl));
        Assert.That(jsonl.Distinct().Count(), Is.GreaterThan(1), "the verdicts depend on the pairs");
    }

    [Test]
    public void Judge_BadConversationRecord_NamesTheLine()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllLines(input, ["""{"prompt": "x", "a": "y", "b": "z"}""", """{"prompt": [{"role": "bot", "content": "x"}], "a": "y", "b": "z"}"""]);
        var (code, _, error) = Run("judge", "--judge", "brevity", "--input", input, "--output", Path.Combine(dir, "out.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"{input}:2:").And.Contain("role \"bot\""));
    }

    [Test]
    public void Train_ConversationalPromptsAndOfflineData_OnALlamaWithItsOwnTemplate_JudgeSeesTheMessages()
    {
        var dir = Scratch();
        // a process judge that writes down every request and prefers the shorter completion
        var log = Path.Combine(dir, "requests.jsonl");
        var script = Path.Combine(dir, "judge.py");
        File.WriteAllText(script, $$"""
            import json, sys
            for line in sys.stdin:
                request = json.loads(line)
                open({{JsonValue.Create(log).ToJsonString()}}, "a").write(line)
                p = [1.0 if len(c["a"]) < len(c["b"]) else 0.0 if len(c["a"]) > len(c["b"]) else 0.5 for c in request["comparisons"]]
                print(json.dumps({"id": request["id"], "p": p}), flush=True)
            """);
        var config = new JsonObject
        {
            ["model"] = ChatModel,
            ["prompts"] = Data("prompts.parquet"),
            ["eval_prompts"] = Data("prompts.jsonl"),
            ["periodic_eval_prompts"] = 2,
            ["judge"] = $"process:python3 {script}",
            ["run_dir"] = "run",
            ["rebel"] = new JsonObject
            {
                ["iterations"] = 2, ["prompts_per_iteration"] = 2, ["minibatch_prompts"] = 2, ["samples_per_prompt"] = 2,
                ["max_new_tokens"] = 6, ["checkpoint_interval"] = 2, ["eval_interval"] = 2,
                ["offline_fraction"] = 0.5, ["offline_data"] = Data("hub"),
            },
        };
        var path = Path.Combine(dir, "train.json");
        File.WriteAllText(path, config.ToJsonString());

        var (code, _, error) = Run("train", "--config", path);
        Assert.That(code, Is.EqualTo(0), error);
        var run = Path.Combine(dir, "run");
        Assert.That(Rebel.SelfPlay.Training.MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(2));

        // every comparison the judge got carried its conversation, rendered by the model's template as "prompt"
        var comparisons = File.ReadLines(log).SelectMany(l => JsonNode.Parse(l)!["comparisons"]!.AsArray()).ToList();
        Assert.That(comparisons, Is.Not.Empty);
        var template = ChatTemplate.Load(ChatModel);
        foreach (var c in comparisons)
        {
            var messages = c!["messages"]!.AsArray().Select(m => new ChatMessage((string)m!["role"]!, (string)m["content"]!)).ToList();
            Assert.That((string)c["prompt"]!, Is.EqualTo(template.Render(messages, addGenerationPrompt: true)));
            Assert.That((string)c["a"]!, Does.Not.Contain(TurnEnd), "a reply ends before its end-of-turn token");
        }

        // the trained model keeps its chat template and generates replies that end their turn or run out of tokens
        var final = Path.Combine(run, "checkpoints", "iter-2", "model");
        Assert.That(ChatTemplate.Load(final).Source, Is.EqualTo(ChatMlJinja));
    }
}
