using System.CommandLine;
using Rebel.Models;
using Rebel.Models.Gpt2;
using Rebel.Models.Lora;
using Rebel.Tensors.IO;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel lora merge --adapter DIR --out DIR [--overwrite]</c>: loads the PEFT adapter folder's base
/// (<c>base_model_name_or_path</c>), folds the adapter into it (W′ = W + s·B·A) and writes the merged model to
/// <c>--out</c> in Hugging Face layout, each tensor in the base checkpoint's dtype (Llama family; GPT-2 writes F32), with
/// the tokenizer files of the adapter folder or else of the base. The folder is written atomically.
/// </summary>
internal static class LoraCommand
{
    /// <summary>What one merge needs.</summary>
    internal sealed record MergeOptions(string Adapter, string Out, bool Overwrite);

    public static Command Create()
    {
        var adapter = new Option<DirectoryInfo>("--adapter") { Description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors) whose base_model_name_or_path is a local model folder.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the merged model (config.json, weights, tokenizer files).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model already in --out." };
        var merge = new Command("merge", "Merge a LoRA adapter into its base model and save the result as a plain model folder.") { adapter, output, overwrite };
        merge.SetAction(parse => Merge(
            new MergeOptions(parse.GetValue(adapter)!.FullName, parse.GetValue(output)!.FullName, parse.GetValue(overwrite)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return new Command("lora", "LoRA adapters (PEFT layout). Any --model may also name an adapter folder: it loads as its base with the adapter merged in.") { merge };
    }

    /// <summary>Merges and writes; returns 0, or 1 with a one-line error for bad input.</summary>
    internal static int Merge(MergeOptions options, TextWriter output, TextWriter error)
    {
        try
        {
            if (!PeftAdapterFolder.IsAdapter(options.Adapter))
                throw new ArgumentException($"{options.Adapter}: not a LoRA adapter folder (no {PeftAdapterConfig.FileName}).");
            if (!options.Overwrite && File.Exists(Path.Combine(options.Out, "config.json")))
                throw new ArgumentException($"{options.Out} already holds a model (config.json); pass --overwrite to replace it, or choose another --out.");
            var (model, adapter) = LoraModelFolder.Load(options.Adapter);
            var tokenizer = ModelFolder.LoadTokenizer(options.Adapter);
            adapter!.Merge();
            ModelFolder.Save(options.Out, model, tokenizer);
            output.WriteLine($"merged {adapter.Layers.Count} adapted modules (r = {adapter.Options.Rank}, scaling {adapter.Options.Scaling:G4}) into {PeftAdapterFolder.ResolveBase(options.Adapter)} → {options.Out}");
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, "rebel lora merge: ");
        }
    }
}
