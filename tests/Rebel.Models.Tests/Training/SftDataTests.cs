using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;

namespace Rebel.Models.Tests.Training;

public class SftDataTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-sft-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "sft.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void ReadExamples_EveryTrlShape()
    {
        var path = Write(
            """{"prompt": "P", "completion": "C"}""",
            """{"prompt": [{"role": "user", "content": "P"}], "completion": [{"role": "assistant", "content": "C"}]}""",
            """{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "P"}, {"role": "assistant", "content": "C"}]}""");
        var examples = SftData.ReadExamples(path);
        Assert.That(examples, Is.EqualTo(new[]
        {
            new SftExample(Prompt.FromText("P"), "C"),
            new SftExample(Prompt.FromMessages([ChatMessage.User("P")]), "C"),
            new SftExample(Prompt.FromMessages([ChatMessage.System("S"), ChatMessage.User("P")]), "C"),
        }));
    }

    [Test]
    public void Read_TextPrompts_EncodeAsBefore_ConversationsAsRendered()
    {
        var tokenizer = BpeTrainer.Train(["Write about apple. apple"], new BpeTrainerOptions { VocabSize = 270 });
        int eos = tokenizer.EosId!.Value;
        var renderer = new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys);
        var path = Write(
            """{"prompt": "Write about apple.", "completion": " apple"}""",
            """{"prompt": "", "completion": " apple"}""",
            """{"messages": [{"role": "user", "content": "Write about apple."}, {"role": "assistant", "content": " apple"}]}""");
        var read = SftData.Read(path, tokenizer, renderer);
        Assert.That(read[0].PromptIds, Is.EqualTo(tokenizer.Encode("Write about apple.")));
        Assert.That(read[0].CompletionIds, Is.EqualTo(tokenizer.Encode(" apple").Append(eos)));
        Assert.That(read[1].PromptIds, Is.EqualTo(new[] { eos }), "an empty prompt starts from EOS");
        Assert.That(read[2].PromptIds, Is.EqualTo(tokenizer.Encode("<|im_start|>user\nWrite about apple.<|im_end|>\n<|im_start|>assistant\n")));
        Assert.That(SftData.Texts(path, renderer).Take(2), Is.EqualTo(new[] { "Write about apple.", " apple" }));
    }

    [TestCase("""{"prompt": "P", "completion": ""}""", "field \"completion\" is an empty completion")]
    [TestCase("""{"prompt": "P"}""", "missing field \"completion\"")]
    [TestCase("""{"text": "x"}""", "expected field \"prompt\" and field \"completion\", or field \"messages\"; found none of them")]
    [TestCase("""{"messages": [{"role": "user", "content": "P"}]}""", "must end with the assistant's reply after at least one other message")]
    [TestCase("""{"messages": [{"role": "user", "content": "P"}, {"role": "assistant", "content": ""}]}""", "ends with an empty assistant reply")]
    [TestCase("""{"messages": [{"role": "user", "content": "P"}, {"role": "assistant", "content": "C"}], "prompt": "P"}""", "give one shape")]
    [TestCase("""{"prompt": "P", "completion": [{"role": "user", "content": "C"}]}""", "must hold exactly one assistant message as the completion, found 1 message(s) (user)")]
    public void ReadExamples_Bad_NamesLineAndProblem(string bad, string problem)
    {
        var path = Write("""{"prompt": "P", "completion": "C"}""", bad);
        var e = Assert.Throws<DataFormatException>(() => SftData.ReadExamples(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}:2: ").And.Contain(problem));
    }

    [Test]
    public void ReadExamples_MappedColumns()
    {
        var path = Write("""{"instruction": "P", "output": "C"}""");
        Assert.That(SftData.ReadExamples(path, ColumnMapping.Parse("prompt=instruction,completion=output")).Single(),
            Is.EqualTo(new SftExample(Prompt.FromText("P"), "C")));
    }

    [Test]
    public void Read_WithATemplate_ConversationsAreTheAssistantTurn_TextKeepsEos()
    {
        var tokenizer = BpeTrainer.Train(["user asks", "assistant answers"],
            new BpeTrainerOptions { VocabSize = 280, SpecialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] });
        const string chatMl = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        var tokens = new ChatTemplateTokens { Eos = "<|endoftext|>", Special = ["<|im_start|>", "<|im_end|>"] };
        var renderer = new ChatTemplatePromptRenderer(() => ChatTemplate.Parse(chatMl, tokens: tokens));
        var path = Write(
            """{"prompt": "P", "completion": "C"}""",
            """{"messages": [{"role": "user", "content": "a <|im_start|> b"}, {"role": "assistant", "content": "C<|im_end|>"}]}""");
        var pairs = SftData.Read(path, tokenizer, renderer);
        int start = tokenizer.SpecialTokens["<|im_start|>"], end = tokenizer.SpecialTokens["<|im_end|>"];
        Assert.That(pairs[0].CompletionIds, Is.EqualTo(tokenizer.Encode("C").Append(tokenizer.EosId!.Value)), "plain text: EOS as before");
        Assert.That(pairs[1].CompletionIds, Is.EqualTo(tokenizer.Encode("C<|im_end|>", allowSpecialTokens: false).Append(end)), "the reply is plain text, ended by <|im_end|>");
        Assert.That(pairs[1].PromptIds.Count(id => id == start), Is.EqualTo(2), "the user turn and the generation prompt; the content's <|im_start|> is text");
    }
}
