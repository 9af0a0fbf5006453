using Parquet.Schema;
using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using static Rebel.Models.Tests.Data.ParquetFiles;

namespace Rebel.Models.Tests.Data;

public class ParquetDatasetFormatTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-parquet-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly ParquetSchema Schema = new(
        new DataField<string>("id"), Messages("prompt"), new DataField<double?>("score"), new DataField<long>("n"), new DataField<bool>("flag"));

    private static IDictionary<string, object?> Row(string? id, object prompt, double? score, long n) =>
        new Dictionary<string, object?> { ["id"] = id, ["prompt"] = prompt, ["score"] = score, ["n"] = n, ["flag"] = n % 2 == 0 };

    [Test]
    public void Read_ConvertsColumnsToJson_AndNumbersRowsAcrossRowGroups()
    {
        var path = Path.Combine(_dir, "t.parquet");
        var rows = Enumerable.Range(0, 5).Select(i => Row(i == 3 ? null : $"r{i}",
            new List<Dictionary<string, object>> { Message("system", "s"), Message("user", $"u{i}") }, i == 2 ? null : i * 0.5, i)).ToList();
        Write(path, Schema, rows, rowGroupSize: 2);

        var read = ParquetDatasetFormat.Instance.Read(path).ToList();
        Assert.That(read.Select(r => r.Number), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(read.All(r => r.IsRow && r.Path == path), Is.True);
        Assert.That(read[4].RequireString("id"), Is.EqualTo("r4"));
        Assert.That(read[4].Value.GetProperty("n").GetInt64(), Is.EqualTo(4));
        Assert.That(read[4].Value.GetProperty("score").GetDouble(), Is.EqualTo(2.0));
        Assert.That(read[4].Value.GetProperty("flag").GetBoolean(), Is.True);
        Assert.That(read[3].Has("id"), Is.False, "a null cell reads as an absent key");
        Assert.That(read[2].Has("score"), Is.False);
        Assert.That(read[1].RequirePrompt("prompt"), Is.EqualTo(Prompt.FromMessages([ChatMessage.System("s"), ChatMessage.User("u1")])));
    }

    [Test]
    public void Read_BadCell_NamesFileRowAndColumn()
    {
        var path = Path.Combine(_dir, "bad.parquet");
        var rows = new List<IDictionary<string, object?>>
        {
            Row("a", new List<Dictionary<string, object>> { Message("user", "hi") }, 1, 0),
            Row("b", new List<Dictionary<string, object>> { Message("tool", "hi") }, 1, 1),
        };
        Write(path, Schema, rows);
        var e = Assert.Throws<DataFormatException>(() => PromptFile.Read(path))!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Line, Is.EqualTo(2));
        Assert.That(e.IsRow, Is.True);
        Assert.That(e.Column, Is.EqualTo("prompt"));
        Assert.That(e.Message, Is.EqualTo($"{path}: row 2: column \"prompt\" message 1 has role \"tool\"; only \"system\", \"user\" and \"assistant\" are read"));
    }

    [Test]
    public void Read_StringPromptColumn_ReadsPlainText()
    {
        var path = Path.Combine(_dir, "text.parquet");
        Write(path, new ParquetSchema(new DataField<string>("prompt")), [new Dictionary<string, object?> { ["prompt"] = "Write about apple." }]);
        Assert.That(PromptFile.Read(path), Is.EqualTo(new[] { Prompt.FromText("Write about apple.") }));
    }

    [Test]
    public void Read_NotParquet_NamesTheFile()
    {
        var path = Path.Combine(_dir, "fake.parquet");
        File.WriteAllText(path, "{\"prompt\": \"not parquet\"}\n");
        var e = Assert.Throws<DataFormatException>(() => ParquetDatasetFormat.Instance.Read(path).ToList())!;
        Assert.That(e.Message, Does.StartWith($"{path}:0: not a readable Parquet file"));
    }

    [Test]
    public void Read_EmptyFile_IsAnErrorForTheReaders()
    {
        var path = Path.Combine(_dir, "empty.parquet");
        Write(path, new ParquetSchema(new DataField<string>("prompt")), []);
        Assert.That(ParquetDatasetFormat.Instance.Read(path), Is.Empty);
        var e = Assert.Throws<DataFormatException>(() => PromptFile.Read(path))!;
        Assert.That(e.Message, Does.Contain("holds no prompts"));
    }
}
