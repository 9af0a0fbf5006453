using Rebel.Models.Data;

namespace Rebel.Models.Tests;

public class JsonLinesTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-jsonl-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Read_SkipsBlankLines_AndNumbersLinesFromOne()
    {
        var path = Path.Combine(_dir, "a.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"x\"}\n\n{\"prompt\":\"y\"}\n");
        var records = JsonLines.Read(path).ToList();
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(records[1].RequireString(path, "prompt"), Is.EqualTo("y"));
    }

    [Test]
    public void Read_MalformedLine_ThrowsNamingFileAndLine()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"x\"}\n{\"prompt\": \n");
        var e = Assert.Throws<DataFormatException>(() => JsonLines.Read(path).ToList())!;
        Assert.That(e.Line, Is.EqualTo(2));
        Assert.That(e.Message, Does.StartWith(path + ":2:"));
    }

    [Test]
    public void Read_DuplicateKey_ThrowsNamingFileLineAndKey()
    {
        var path = Path.Combine(_dir, "dup.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"x\"}\n{\"prompt\":\"x\",\"a\":\"1\",\"a\":\"2\"}\n");
        var e = Assert.Throws<DataFormatException>(() => JsonLines.Read(path).ToList())!;
        Assert.That(e.Message, Does.StartWith(path + ":2:").And.Contain("'a'"));
    }

    [Test]
    public void Read_LoneSurrogateEscape_ThrowsNamingFileLineAndField()
    {
        var path = Path.Combine(_dir, "surrogate.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"ok \\ud83d\\ude00\"}\n{\"prompt\":\"x\", \"b\": [\"bad \\ud800\"]}\n");
        var e = Assert.Throws<DataFormatException>(() => JsonLines.Read(path).ToList())!;
        Assert.That(e.Message, Does.StartWith(path + ":2:").And.Contain("field \"b\"").And.Contain("surrogate"));
    }

    [Test]
    public void AtomicWrite_FailingWriter_LeavesOldContentAndNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "out.txt");
        File.WriteAllText(path, "old");
        // A full disk shows up as an IOException from the stream in the middle of the write.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("No space left on device");
        }))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("No space left on device"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }), "no *.tmp-PID left behind");
    }

    [Test]
    public void AtomicWrite_FolderThatCannotBeCreated_OneIOExceptionNamingTheFile()
    {
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "");
        var path = Path.Combine(blocker, "out.json");                          // its "folder" is a file
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "x"))!;
        Assert.That(e.Message, Does.StartWith(path + ": could not write the file"));
        Assert.Throws<IOException>(() => AtomicFile.CheckWritable(path));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { blocker }));
    }

    [Test]
    public void CheckWritable_Folder_Throws_File_LeavesNothing()
    {
        Assert.That(Assert.Throws<IOException>(() => AtomicFile.CheckWritable(_dir))!.Message, Does.Contain("is a folder"));
        var path = Path.Combine(_dir, "sub", "out.jsonl");
        AtomicFile.CheckWritable(path);
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "sub")), Is.Empty, "the probe file is removed");
    }

    [Test]
    public void PendingWrites_Drain_DeletesTemporaryPathsOfUnfinishedWrites_AndRefusesNewOnes()
    {
        // What process exit does after a second Ctrl-C: a write still in progress past the wait is discarded.
        var tmp = Path.Combine(_dir, "x.json.tmp-1");
        File.WriteAllText(tmp, "half");
        var scope = PendingWrites.Begin(tmp);
        try
        {
            PendingWrites.Drain(TimeSpan.FromMilliseconds(50));
            Assert.That(File.Exists(tmp), Is.False);
            Assert.Throws<IOException>(() => PendingWrites.Begin(Path.Combine(_dir, "y.tmp-1")));
        }
        finally
        {
            scope.Dispose();
            PendingWrites.Reopen();
        }
    }

    [Test]
    public void RequireString_MissingField_Throws()
    {
        var path = Path.Combine(_dir, "m.jsonl");
        File.WriteAllText(path, "{\"completion\":\"x\"}\n");
        var record = JsonLines.Read(path).Single();
        var e = Assert.Throws<DataFormatException>(() => record.RequireString(path, "prompt"))!;
        Assert.That(e.Message, Does.Contain("missing field \"prompt\""));
    }

    [Test]
    public void WriteAtomic_RoundTrips_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "out", "o.jsonl");
        JsonLines.WriteAtomic(path, new[] { new { prompt = "p", completion = "c" } });
        Assert.That(JsonLines.Read(path).Single().RequireString(path, "completion"), Is.EqualTo("c"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1));
    }
}
