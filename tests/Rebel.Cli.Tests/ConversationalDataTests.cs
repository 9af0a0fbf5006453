using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet.Schema;
using Parquet.Serialization;
using Rebel.SelfPlay.Training;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>Conversational prompts and data (data/chat, Parquet, renamed columns) through the commands, on GPT-2 with the ChatML fallback.</summary>
public class ConversationalDataTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }

    private static string Chat(string name) => Path.Combine(RepoRoot(), "data", "chat", name);

    private static string ChatMl(string user) => $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n";

    [Test]
    public void Generate_ConversationPrompt_GivesTheIdsOfItsChatMlRendering()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "prompts.jsonl");
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "the cat" });
        File.WriteAllLines(input, [new JsonObject { ["prompt"] = messages }.ToJsonString(), new JsonObject { ["prompt"] = ChatMl("the cat") }.ToJsonString()]);
        var (code, output, error) = Run("generate", "--model", ModelDirectory, "--input", input, "--temperature", "0", "--max-new-tokens", "5");
        Assert.That(code, Is.EqualTo(0), error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.That(lines[0]["prompt"]!.ToJsonString(), Is.EqualTo(messages.ToJsonString()), "the conversation is written back as messages");
        Assert.That(lines[0]["completion_ids"]!.ToJsonString(), Is.EqualTo(lines[1]["completion_ids"]!.ToJsonString()));
        Assert.That(lines[0]["logprob"]!.GetValue<double>(), Is.EqualTo(lines[1]["logprob"]!.GetValue<double>()));
    }

    [Test]
    public void Generate_InjectedEndOfText_IsRefusedNamingLineAndColumn()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllText(input, """{"prompt": [{"role": "user", "content": "stop<|endoftext|>"}]}""" + "\n");
        var (code, _, error) = Run("generate", "--model", ModelDirectory, "--input", input, "--max-new-tokens", "2");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"{input}:1: field \"prompt\": message 1 (user) contains the special text \"<|endoftext|>\""));
    }

    [Test]
    public void Eval_ParquetConversationsWithRenamedColumn_MatchCompletionFilesOnTheRendering()
    {
        var dir = Scratch();
        var prompts = Path.Combine(dir, "prompts.parquet");
        var schema = new ParquetSchema(new ListField("question", new StructField("element", new DataField<string>("content"), new DataField<string>("role"))));
        var rows = Enumerable.Range(0, 4).Select(k => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["question"] = new List<Dictionary<string, object>> { new() { ["content"] = $"q{k}", ["role"] = "user" } },
        }).ToList();
        using (var stream = File.Create(prompts)) ParquetSerializer.SerializeUntypedAsync(rows, schema, stream).GetAwaiter().GetResult();
        string Completions(string name, string text)
        {
            var path = Path.Combine(dir, name + ".jsonl");
            File.WriteAllLines(path, Enumerable.Range(0, 4).Select(k => new JsonObject { ["prompt"] = ChatMl($"q{k}"), ["completion"] = text }.ToJsonString()));
            return path;
        }
        var policy = Completions("policy", "one two three four");
        var reference = Completions("reference", "one");

        var (code, stdout, error) = Run("eval", "--policy", policy, "--reference", reference, "--prompts", prompts, "--columns", "prompt=question",
            "--judge", "length(4)", "--out", Path.Combine(dir, "out"));
        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("4 wins, 0 ties, 0 losses over 4 prompts"));

        (code, _, error) = Run("eval", "--policy", policy, "--reference", reference, "--prompts", prompts, "--judge", "length(4)", "--out", Path.Combine(dir, "out2"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"{prompts}: row 1: missing column \"prompt\""));
    }

    [Test]
    public void Train_ConversationalPromptsSftAndOfflineData_FromParquetAndJsonLines()
    {
        var dir = Scratch();
        var config = new JsonObject
        {
            ["prompts"] = Chat("prompts.parquet"),
            ["eval_prompts"] = Chat("prompts.jsonl"),
            ["periodic_eval_prompts"] = 4,
            ["judge"] = "brevity",
            ["run_dir"] = "run",
            ["reference"] = new JsonObject
            {
                ["sft_data"] = Chat("sft.parquet"), ["vocab_size"] = 400, ["n_positions"] = 512, ["n_embd"] = 16, ["n_layer"] = 1,
                ["n_head"] = 2, ["steps"] = 4, ["warmup_steps"] = 1, ["batch_size"] = 4,
            },
            ["rebel"] = new JsonObject
            {
                ["iterations"] = 2, ["prompts_per_iteration"] = 2, ["minibatch_prompts"] = 2, ["samples_per_prompt"] = 2,
                ["max_new_tokens"] = 4, ["checkpoint_interval"] = 2, ["eval_interval"] = 2,
                ["offline_fraction"] = 0.5, ["offline_data"] = Chat("hub"),
            },
            ["tournament"] = new JsonObject { ["prompts"] = 2, ["samples"] = 1, ["checkpoints"] = 0, ["bootstrap_resamples"] = 10 },
        };
        var path = Path.Combine(dir, "train.json");
        File.WriteAllText(path, config.ToJsonString());

        var (code, _, error) = Run("train", "--config", path);
        Assert.That(code, Is.EqualTo(0), error);
        var run = Path.Combine(dir, "run");
        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(2));
        // the held-out conversations reached the players rendered in ChatML (the report's examples show the prompts, '|' escaped)
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.That(report, Does.Contain("## Examples"));
        Assert.That(report, Does.Contain("`<\\|im_start\\|>system\n"));
        Assert.That(report, Does.Contain("<\\|im_end\\|>\n<\\|im_start\\|>assistant"));
    }

    [Test]
    public void PromptInput_PlainText_IsPassedOnUnchanged_WithoutAskingForARenderer()
    {
        var dir = Scratch();
        var path = Path.Combine(dir, "p.jsonl");
        File.WriteAllLines(path, ["""{"prompt": " Write about apple.<|endoftext|>"}""", """{"prompt": ""}"""]);
        var texts = Rebel.SelfPlay.Pipeline.PromptInput.Read(path, Rebel.Models.Data.ColumnMapping.Default, () => throw new AssertionException("no renderer for plain text"));
        Assert.That(texts, Is.EqualTo(new[] { " Write about apple.<|endoftext|>", "" }));
    }

    [Test]
    public void TrainConfig_Columns_AreValidatedIntoAMapping()
    {
        var dir = Scratch();
        var path = Path.Combine(dir, "c.json");
        JsonObject Config(JsonObject columns) => new()
        {
            ["model"] = "m", ["prompts"] = "p.parquet", ["judge"] = "brevity", ["columns"] = columns,
        };
        File.WriteAllText(path, Config(new JsonObject { ["prompt"] = "question", ["chosen"] = "good" }).ToJsonString());
        var mapping = Rebel.SelfPlay.Pipeline.TrainConfig.Load(path).ColumnMapping;
        Assert.That((mapping.Prompt, mapping.Chosen, mapping.Rejected), Is.EqualTo(("question", "good", "rejected")));
        File.WriteAllText(path, Config(new JsonObject { ["answer"] = "x" }).ToJsonString());
        var e = Assert.Throws<ArgumentException>(() => Rebel.SelfPlay.Pipeline.TrainConfig.Load(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": column mapping: unknown field \"answer\""));
    }
}
