using Rebel.Models.Data;

namespace Rebel.Models.Tests.Data;

public class DatasetFilesTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-files-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Touch(string name)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"prompt\": \"" + name + "\"}\n");
        return path;
    }

    [Test]
    public void Resolve_File_IsItself() => Assert.That(DatasetFiles.Resolve(Touch("a.txt")), Is.EqualTo(new[] { Path.Combine(_dir, "a.txt") }));

    [Test]
    public void Resolve_Folder_ListsDatasetFilesInShardOrder()
    {
        var b = Touch("train-00001-of-00002.parquet");
        var a = Touch("train-00000-of-00002.parquet");
        Touch("README.md");
        Assert.That(DatasetFiles.Resolve(_dir), Is.EqualTo(new[] { a, b }));
    }

    [Test]
    public void Resolve_Glob_MatchesFileNames()
    {
        var a = Touch("d/train-0.jsonl");
        var b = Touch("d/train-1.jsonl");
        Touch("d/test-0.jsonl");
        Assert.That(DatasetFiles.Resolve(Path.Combine(_dir, "d", "train-*.jsonl")), Is.EqualTo(new[] { a, b }));
    }

    [Test]
    public void Resolve_MissingShard_IsNamed()
    {
        Touch("train-00000-of-00003.parquet");
        Touch("train-00002-of-00003.parquet");
        var e = Assert.Throws<DataFormatException>(() => DatasetFiles.Resolve(Path.Combine(_dir, "train-*.parquet")))!;
        Assert.That(e.Message, Does.Contain("split \"train\" has 2 of its 3 shards; missing 00001"));
    }

    [Test]
    public void Resolve_FolderWithTwoSplits_AsksForOne()
    {
        Touch("train-00000-of-00001.parquet");
        Touch("test-00000-of-00001.parquet");
        var e = Assert.Throws<DataFormatException>(() => DatasetFiles.Resolve(_dir))!;
        Assert.That(e.Message, Does.Contain("more than one split (test, train)"));
    }

    [TestCase("none.jsonl", "file not found")]
    [TestCase("none-*.jsonl", "matches no file")]
    public void Resolve_Nothing_Throws(string name, string problem)
    {
        var e = Assert.Throws<FileNotFoundException>(() => DatasetFiles.Resolve(Path.Combine(_dir, name)))!;
        Assert.That(e.Message, Does.Contain(problem));
    }

    [Test]
    public void Resolve_EmptyFolder_Throws() =>
        Assert.Throws<FileNotFoundException>(() => DatasetFiles.Resolve(_dir));

    [Test]
    public void Read_MultiFileSplit_ReadsFilesInOrder()
    {
        Touch("p/part-b.jsonl");
        Touch("p/part-a.jsonl");
        var rows = DatasetReader.Read(Path.Combine(_dir, "p")).ToList();
        Assert.That(rows.Select(r => r.RequireString("prompt")), Is.EqualTo(new[] { "p/part-a.jsonl", "p/part-b.jsonl" }));
        Assert.That(rows.Select(r => Path.GetFileName(r.Path)), Is.EqualTo(new[] { "part-a.jsonl", "part-b.jsonl" }));
    }
}
