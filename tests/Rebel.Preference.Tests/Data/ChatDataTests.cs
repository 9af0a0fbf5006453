using Rebel.Models.Data;
using Rebel.Models.Training;
using Rebel.Preference.Data;

namespace Rebel.Preference.Tests.Data;

/// <summary>The shipped conversational set (data/chat, written by tools/make-chat-data) reads the same from every file.</summary>
public class ChatDataTests
{
    private static string Chat(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return Path.Combine(dir.FullName, "data", "chat", name);
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }

    [Test]
    public void Preferences_JsonLinesParquetShardsAndImplicitPrompts_GiveIdenticalRecords()
    {
        var jsonl = PreferenceDataset.ReadExamples(Chat("preferences.jsonl")).ToList();
        var parquet = PreferenceDataset.ReadExamples(Chat("hub")).ToList();              // a folder holding a two-shard split
        var glob = PreferenceDataset.ReadExamples(Chat(Path.Combine("hub", "train-*.parquet"))).ToList();
        var implicitPrompts = PreferenceDataset.ReadExamples(Chat("preferences-implicit.jsonl")).ToList();
        Assert.That(jsonl, Has.Count.EqualTo(160));
        Assert.That(jsonl.All(e => e.Prompt.IsConversation && e.P == 1.0), Is.True);
        Assert.That(jsonl.Any(e => e.Prompt.Messages!.Count > 2), Is.True, "some prompts are multi-turn");
        Assert.That(parquet, Is.EqualTo(jsonl));
        Assert.That(glob, Is.EqualTo(jsonl));
        Assert.That(implicitPrompts, Is.EqualTo(jsonl));
    }

    [Test]
    public void Preferences_LabelsFollowTheGeneratorsRule()
    {
        // chosen names more of the last user turn's things, or as many in fewer words
        foreach (var e in PreferenceDataset.ReadExamples(Chat("preferences.jsonl")))
        {
            var ask = e.Prompt.Messages![^1].Content;                    // "Write about a, b and c." / "Please describe a and b."
            string marker = ask.Contains("describe ", StringComparison.Ordinal) ? "describe " : "about ";
            var list = ask[(ask.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^1];
            var things = list.Replace(" and ", ", ", StringComparison.Ordinal).Split(", ").Select(t => t.Trim()).ToArray();
            int Covered(string reply) => things.Count(t => reply.Contains(t, StringComparison.Ordinal));
            int Words(string reply) => reply.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            bool chosenWins = Covered(e.A) > Covered(e.B) || (Covered(e.A) == Covered(e.B) && Words(e.A) < Words(e.B));
            Assert.That(chosenWins, Is.True, $"{ask} | {e.A} | {e.B}");
        }
    }

    [Test]
    public void PromptsAndSft_JsonLinesAndParquet_GiveIdenticalRecords()
    {
        Assert.That(PromptFile.Read(Chat("prompts.parquet")), Is.EqualTo(PromptFile.Read(Chat("prompts.jsonl"))).And.Count.EqualTo(120));
        var sft = SftData.ReadExamples(Chat("sft.jsonl"));
        Assert.That(SftData.ReadExamples(Chat("sft.parquet")), Is.EqualTo(sft).And.Count.EqualTo(120));
    }
}
