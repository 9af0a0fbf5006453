using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Preference.Data;

namespace Rebel.Preference.Tests.Data;

/// <summary>TRL's conversational and implicit-prompt preference shapes, the column mapping and rendering.</summary>
public class ConversationalPreferenceTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-conv-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "prefs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static readonly Prompt Asked = Prompt.FromMessages([ChatMessage.System("S"), ChatMessage.User("Q")]);

    [Test]
    public void ReadExamples_Conversational_TakesTheAssistantReplies()
    {
        var path = Write("""{"prompt":[{"role":"system","content":"S"},{"role":"user","content":"Q"}],"chosen":[{"role":"assistant","content":"good"}],"rejected":[{"role":"assistant","content":"bad"}]}""");
        Assert.That(PreferenceDataset.ReadExamples(path).Single(), Is.EqualTo(new PreferenceExample(Asked, "good", "bad", 1.0)));
    }

    [Test]
    public void ReadExamples_ImplicitPrompt_SplitsTheSharedMessages()
    {
        var path = Write(
            """{"chosen":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"good"}],"rejected":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"bad"}]}""");
        Assert.That(PreferenceDataset.ReadExamples(path).Single(), Is.EqualTo(new PreferenceExample(Asked, "good", "bad", 1.0)));
    }

    [TestCase("""{"chosen":[{"role":"user","content":"Q"},{"role":"assistant","content":"a"}],"rejected":[{"role":"user","content":"other"},{"role":"assistant","content":"b"}]}""",
        "implicit prompt: field \"chosen\" and field \"rejected\" share no first message")]
    [TestCase("""{"chosen":[{"role":"user","content":"Q"},{"role":"assistant","content":"a"}],"rejected":[{"role":"user","content":"Q"},{"role":"assistant","content":"a"}]}""",
        "holds the other whole")]
    [TestCase("""{"chosen":[{"role":"user","content":"Q"},{"role":"assistant","content":"a"},{"role":"user","content":"more"},{"role":"assistant","content":"c"}],"rejected":[{"role":"user","content":"Q"},{"role":"assistant","content":"b"}]}""",
        "field \"chosen\" must hold exactly one assistant message as the completion, found 3 message(s) (assistant, user, assistant)")]
    [TestCase("""{"chosen":[{"role":"user","content":"Q"},{"role":"user","content":"a"}],"rejected":[{"role":"user","content":"Q"},{"role":"assistant","content":"b"}]}""",
        "found 1 message(s) (user)")]
    [TestCase("""{"prompt":[{"role":"user","content":"Q"}],"chosen":[{"role":"assistant","content":"a"},{"role":"assistant","content":"b"}],"rejected":"r"}""",
        "found 2 message(s)")]
    [TestCase("""{"prompt":[{"role":"user","content":"Q"}],"chosen":[{"role":"assistant","content":""}],"rejected":"r"}""",
        "field \"chosen\" is an empty completion")]
    public void ReadExamples_BadConversation_NamesLineAndColumn(string bad, string problem)
    {
        var path = Write("""{"prompt":"x","chosen":"c","rejected":"r"}""", bad);
        var e = Assert.Throws<DataFormatException>(() => PreferenceDataset.ReadExamples(path).ToList())!;
        Assert.That(e.Message, Does.StartWith($"{path}:2: ").And.Contain(problem));
    }

    [Test]
    public void ReadExamples_SoftLabelWithConversation()
    {
        var path = Write("""{"prompt":[{"role":"system","content":"S"},{"role":"user","content":"Q"}],"a":"one","b":[{"role":"assistant","content":"two"}],"p":0.25}""");
        Assert.That(PreferenceDataset.ReadExamples(path).Single(), Is.EqualTo(new PreferenceExample(Asked, "one", "two", 0.25)));
    }

    [Test]
    public void Read_RendersConversations_AndRefusesThemWithoutRenderer()
    {
        var path = Write(
            """{"prompt":"plain","chosen":"c","rejected":"r"}""",
            """{"prompt":[{"role":"user","content":"Q"}],"chosen":[{"role":"assistant","content":"good"}],"rejected":[{"role":"assistant","content":"bad"}]}""");
        var records = PreferenceDataset.Read(path, new ChatMlPromptRenderer([])).ToList();
        Assert.That(records[0], Is.EqualTo(new PreferenceRecord("plain", "c", "r", 1.0)));
        Assert.That(records[1], Is.EqualTo(new PreferenceRecord("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n", "good", "bad", 1.0)));
        var e = Assert.Throws<DataFormatException>(() => PreferenceDataset.Read(path).ToList())!;
        Assert.That(e.Message, Does.StartWith($"{path}:2: field \"prompt\" is a conversation, but nothing here renders conversations"));
    }

    [Test]
    public void Read_MappedColumns_AndErrorsNameThem()
    {
        var path = Write("""{"question":"x","good":"c","bad":"r"}""", """{"question":"x","good":"c"}""");
        var columns = ColumnMapping.Parse("prompt=question,chosen=good,rejected=bad");
        var e = Assert.Throws<DataFormatException>(() => PreferenceDataset.Read(path, columns: columns).ToList())!;
        Assert.That(e.Message, Is.EqualTo($"{path}:2: missing field \"bad\""));
        Assert.That(e.Column, Is.EqualTo("bad"));
        File.WriteAllLines(path, ["""{"question":"x","good":"c","bad":"r","chosen":"ignored"}"""]);
        Assert.That(PreferenceDataset.Read(path, columns: columns).Single(), Is.EqualTo(new PreferenceRecord("x", "c", "r", 1.0)));
    }

    [Test]
    public void Read_NoRecords_IsAnError_RaisedAtTheEnd()
    {
        var path = Write("", "");
        var e = Assert.Throws<DataFormatException>(() => PreferenceDataset.Read(path).ToList())!;
        Assert.That(e.Message, Is.EqualTo($"{path}:0: the dataset holds no preference records"));
    }
}
