using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Cli.Commands;

/// <summary>
/// The conversation half of <c>rebel tokenize</c>: <c>--messages JSON [--add-generation-prompt] [--show-text]</c>
/// renders the messages with the tokenizer folder's chat template and prints the ids as a JSON array (message
/// content encoded as plain text, see <see cref="ChatTemplate.Encode"/>), or with <c>--show-text</c> the rendered
/// string as one JSON string (no tokenizer files needed then).
/// </summary>
internal sealed class TokenizeMessages
{
    /// <summary>What one invocation needs.</summary>
    internal sealed record Options(string TokenizerDirectory, string MessagesJson, bool AddGenerationPrompt, bool ShowText);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Option<string?> Messages { get; } = new("--messages")
    {
        Description = "A conversation as a JSON array of {\"role\": \"system\"|\"user\"|\"assistant\", \"content\": ...}, " +
                      "rendered with the folder's chat template (tokenizer_config.json) instead of encoding a text.",
    };

    public Option<bool> AddGenerationPrompt { get; } = new("--add-generation-prompt")
    {
        Description = "With --messages: end with the header that opens the assistant's turn.",
    };

    public Option<bool> ShowText { get; } = new("--show-text")
    {
        Description = "With --messages: print the rendered conversation as one JSON string instead of its ids.",
    };

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Messages);
        command.Options.Add(AddGenerationPrompt);
        command.Options.Add(ShowText);
    }

    /// <summary>The options of this invocation when <c>--messages</c> was given, else null.</summary>
    public Options? Read(ParseResult parse, string tokenizerDirectory) =>
        parse.GetValue(Messages) is { } json
            ? new Options(tokenizerDirectory, json, parse.GetValue(AddGenerationPrompt), parse.GetValue(ShowText))
            : null;

    /// <summary>Renders and prints; returns 0, or 1 with a one-line error (bad JSON, template, tokenizer).</summary>
    internal static int Run(Options options, TextWriter output, TextWriter error)
    {
        try
        {
            var messages = ChatConversation.Parse(options.MessagesJson);
            var template = ChatTemplate.Load(options.TokenizerDirectory);
            if (options.ShowText)
            {
                output.WriteLine(JsonSerializer.Serialize(template.Render(messages, options.AddGenerationPrompt), Readable));
                return 0;
            }
            var tokenizer = TokenizerFiles.Load(options.TokenizerDirectory);
            output.WriteLine(JsonSerializer.Serialize(template.Encode(tokenizer, messages, options.AddGenerationPrompt)));
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, $"rebel tokenize: {(e is FormatException ? "--" : "")}");
        }
    }
}
