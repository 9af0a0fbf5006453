using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.SelfPlay.Tournaments;
using Rebel.SelfPlay.Training;
using Rebel.Tensors.IO;

namespace Rebel.Cli.Tests;

/// <summary>The CLI's one mapping of exceptions to a message line and an exit code.</summary>
public class CommandErrorsTests
{
    private static IEnumerable<Exception> DomainErrors() =>
    [
        new DataFormatException("data.jsonl", 3, "bad line"),
        new ModelFormatException("model", "bad config"),
        new SafeTensorsFormatException("model.safetensors", "short header", "wte.weight"),
        new ChatTemplateException("template", 1, 2, "bad tag"),
        new JudgeException("length", "failed"),
        new JudgeSpecException("nope", "unknown judge"),
        new TournamentException("no players"),
        new TrainingDivergedException(3, "the loss is NaN", null),
    ];

    [Test]
    public void DomainErrors_AllDeriveFromRebelException()
    {
        foreach (var e in DomainErrors())
            Assert.That(e, Is.InstanceOf<RebelException>(), e.GetType().Name);
    }

    [Test]
    public void ExitCode_DivergenceIs2_OtherDomainAndInputErrorsAre1_BugsAre70()
    {
        foreach (var e in DomainErrors())
            Assert.That(CommandErrors.ExitCode(e), Is.EqualTo(e is TrainingDivergedException ? 2 : 1), e.GetType().Name);
        Assert.That(CommandErrors.ExitCode(new ArgumentException("bad")), Is.EqualTo(1));
        Assert.That(CommandErrors.ExitCode(new FileNotFoundException("gone")), Is.EqualTo(1));
        Assert.That(CommandErrors.ExitCode(new UnauthorizedAccessException("no")), Is.EqualTo(1));
        Assert.That(CommandErrors.ExitCode(new NullReferenceException()), Is.EqualTo(70));
        Assert.That(CommandErrors.ExitCode(new KeyNotFoundException()), Is.EqualTo(70));
        Assert.That(CommandErrors.IsExpected(new OperationCanceledException()), Is.False, "cancellation is Program's to report");
    }

    [Test]
    public void Report_WritesPrefixAndUserMessage_OnOneLine()
    {
        var error = new StringWriter();
        int code = CommandErrors.Report(new DataFormatException("data.jsonl", 3, "bad line"), error, "rebel sft: ");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString().TrimEnd(), Is.EqualTo("rebel sft: data.jsonl:3: bad line"));
    }
}
