using System.CommandLine;
using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel tokenize --tokenizer DIR "text"</c>: prints the token ids of the text as one JSON array, exactly as
/// Hugging Face's <c>tokenizer.encode(text)</c> with its defaults (special-token text recognised, BOS/EOS as the
/// post-processor adds them), e.g. <c>[15496,995]</c> for "Hello world" with GPT-2's tokenizer. Without the text
/// argument, reads standard input. With <c>--messages</c>, renders a conversation with the folder's chat template
/// instead (<see cref="TokenizeMessages"/>).
/// </summary>
internal static class TokenizeCommand
{
    /// <summary>What one invocation needs.</summary>
    internal sealed record Options(string TokenizerDirectory, string Text, bool AllowSpecialTokens, bool AddSpecialTokens = true);

    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer")
        {
            Description = "Directory with tokenizer.json (GPT-2, Llama 2/3, Mistral, Qwen, SmolLM2, Gemma), or vocab.json + merges.txt (a model directory works).",
            Required = true,
        };
        var noSpecial = new Option<bool>("--no-special-tokens")
        {
            Description = "Encode special-token text such as <|endoftext|> as ordinary characters.",
        };
        var noAdd = new Option<bool>("--no-add-special-tokens")
        {
            Description = "Do not add the tokens the tokenizer puts around a text (BOS for Llama 3.1, Mistral, Gemma): add_special_tokens=False.",
        };
        var text = new Argument<string?>("text")
        {
            Description = "Text to encode. Omitted: read standard input to its end.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("tokenize", "Print the token ids of a text as a JSON array.") { tokenizer, noSpecial, noAdd, text };
        var conversation = new TokenizeMessages();
        conversation.AddTo(command);
        command.SetAction(parse =>
        {
            if (conversation.Read(parse, parse.GetValue(tokenizer)!.FullName) is { } messages)
                return TokenizeMessages.Run(messages, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var options = new Options(
                parse.GetValue(tokenizer)!.FullName,
                parse.GetValue(text) ?? Console.In.ReadToEnd(),
                AllowSpecialTokens: !parse.GetValue(noSpecial),
                AddSpecialTokens: !parse.GetValue(noAdd));
            return Run(options, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>Encodes and prints; returns 0, or 1 with a one-line error when the tokenizer cannot be loaded.</summary>
    internal static int Run(Options options, TextWriter output, TextWriter error)
    {
        ITokenizer loaded;
        try
        {
            loaded = TokenizerFiles.Load(options.TokenizerDirectory);
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, "rebel tokenize: ");
        }
        var ids = options.AddSpecialTokens
            ? loaded.EncodeAddingSpecialTokens(options.Text, options.AllowSpecialTokens)
            : loaded.Encode(options.Text, options.AllowSpecialTokens);
        output.WriteLine(JsonSerializer.Serialize(ids));
        return 0;
    }
}
