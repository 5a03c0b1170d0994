using System.Globalization;

namespace Gateway.Simulator;

/// <summary>Command-line flags of the standalone simulator (a small subset of <c>vllm serve</c>'s, same names where they exist).</summary>
internal static class SimulatorCli
{
    public const string Usage =
        """
        usage: Gateway.Simulator [options]
          --host HOST                  address to bind (IP or localhost; default 127.0.0.1)
          --port N                     port (default 18000; 0 = any free port)
          --model NAME                 served model name; repeat for several (alias --served-model-name; default sim-model)
          --max-model-len N            context length (default 8192)
          --ttft-ms N                  delay before the first token / plain response (default 0)
          --itl-ms N                   delay between tokens (default 0)
          --max-tokens N               tokens generated when a request sets no max_tokens (default 16)
          --embedding-dimensions N     embedding vector length (default 16)
          --keep-alive-timeout S       idle keep-alive timeout in seconds (default 5, like uvicorn)
          --max-num-seqs N             running capacity; more requests wait in FIFO (default 256)
          --kv-cache-tokens N          KV-cache capacity in tokens for kv_cache_usage_perc (default 65536)
          --lora NAME[=PATH]           serve a LoRA adapter of the first model (repeatable; alias --lora-modules)
          --tool-markup FAMILY         raw tool-call markup with tool_choice none: hermes (default), llama3_json,
                                       mistral, pythonic, qwen3_coder, deepseek_v3, granite
          --api-key KEY                require this bearer key on /v1/* (repeatable)
          --enable-auto-tool-choice    accept tools with tool_choice "auto" (structured tool_calls)
          --legacy-error-envelope      pre-v0.10.1 error bodies {"object":"error",...}
          -h, --help                   show this help
        """;

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> is one line for stderr.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out SimulatorOptions options, out bool showHelp, out string? error)
    {
        options = new SimulatorOptions();
        showHelp = false;
        error = null;
        var models = new List<string>();
        var apiKeys = new List<string>();
        var loras = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            switch (arg)
            {
                case "-h" or "--help":
                    showHelp = true;
                    return true;
                case "--enable-auto-tool-choice":
                    options = options with { EnableAutoToolChoice = true };
                    continue;
                case "--legacy-error-envelope":
                    options = options with { LegacyErrorEnvelope = true };
                    continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || !IsValueFlag(arg))
            {
                error = $"unknown argument '{args[i]}' (try --help)";
                return false;
            }

            var value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{arg} needs a value";
                    return false;
                }

                value = args[++i];
            }

            if (arg is "--host")
            {
                options = options with { Host = value };
            }
            else if (arg is "--model" or "--served-model-name")
            {
                models.Add(value);
            }
            else if (arg is "--api-key")
            {
                apiKeys.Add(value);
            }
            else if (arg is "--lora" or "--lora-modules")
            {
                loras.Add(value);
            }
            else if (arg is "--tool-markup")
            {
                options = options with { ToolMarkup = value };
            }
            else if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                error = $"{arg} needs an integer, got '{value}'";
                return false;
            }
            else
            {
                options = arg switch
                {
                    "--port" => options with { Port = number },
                    "--max-model-len" => options with { MaxModelLen = number },
                    "--ttft-ms" => options with { TtftMs = number },
                    "--itl-ms" => options with { ItlMs = number },
                    "--max-tokens" => options with { DefaultMaxTokens = number },
                    "--embedding-dimensions" => options with { EmbeddingDimensions = number },
                    "--max-num-seqs" => options with { MaxNumSeqs = number },
                    "--kv-cache-tokens" => options with { KvCacheTokens = number },
                    _ => options with { KeepAliveTimeoutSeconds = number },
                };
            }
        }

        if (models.Count > 0)
        {
            options = options with { Models = models };
        }

        options = options with { ApiKeys = apiKeys, LoraAdapters = loras };
        error = options.Validate();
        return error is null;
    }

    private static bool IsValueFlag(string flag) => flag is "--host" or "--port" or "--model" or "--served-model-name"
        or "--max-model-len" or "--ttft-ms" or "--itl-ms" or "--max-tokens" or "--embedding-dimensions"
        or "--keep-alive-timeout" or "--api-key" or "--max-num-seqs" or "--kv-cache-tokens" or "--lora" or "--lora-modules"
        or "--tool-markup";
}
