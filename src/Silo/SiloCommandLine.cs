namespace Pipeline.Silo;

/// <summary>
/// The silo's command line. Its own options, plus <c>--urls</c> and <c>--Section:Key</c> settings, which go to
/// ASP.NET Core. Anything else is an error: a mistyped option (<c>--confg</c>) must not start a silo on defaults.
/// </summary>
public sealed class SiloCommandLine
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public const string Usage = """
        usage: Pipeline.Silo [--config <pipeline.yaml>] [--demo] [--silo-port <n>] [--gateway-port <n>] [--urls <url>]

          --config <file>       the pipeline file (docs/CONFIGURATION.md); without it the silo tails
                                /var/log/containers/*.log into the embedded store under ./data
          --demo                also write a synthetic workload of pod logs to a temporary directory and follow it
          --silo-port <n>       port of silo-to-silo traffic (default 11111)
          --gateway-port <n>    port Orleans clients connect to (default 30000)
          --urls <url>[;<url>]  HTTP endpoints (default http://localhost:5000), e.g. http://0.0.0.0:8080
          --help, -h            print this and exit

        Other ASP.NET Core settings can be given as --Section:Key <value> (e.g. --Logging:LogLevel:Default Debug).
        Options also take the form --option=value.

        """;

    private static readonly string[] Options = ["--config", "--demo", "--silo-port", "--gateway-port", "--urls", "--help"];

    public string? ConfigPath { get; private set; }
    public bool Demo { get; private set; }
    public bool Help { get; private set; }
    public int SiloPort { get; private set; } = DefaultSiloPort;
    public int GatewayPort { get; private set; } = DefaultGatewayPort;

    /// <summary>Whether <c>--silo-port</c> was given (it wins over the file's <c>cluster.silo_port</c>).</summary>
    public bool SiloPortGiven { get; private set; }

    /// <summary>Whether <c>--gateway-port</c> was given (it wins over the file's <c>cluster.gateway_port</c>).</summary>
    public bool GatewayPortGiven { get; private set; }

    /// <summary>The HTTP endpoints given with <c>--urls</c>; null when not given (ASP.NET Core's default then applies).</summary>
    public string? Urls { get; private set; }

    /// <summary>What goes to ASP.NET Core's configuration: <c>--urls</c> and <c>--Section:Key</c> settings.</summary>
    public string[] HostArgs { get; private set; } = [];

    /// <summary>The first problem found, saying what to write instead; null when the command line is usable.</summary>
    public string? Error { get; private set; }

    public static SiloCommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new SiloCommandLine();
        var host = new List<string>();
        for (var i = 0; i < args.Length && result.Error is null; i++)
        {
            var arg = args[i];
            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var name = equals > 0 ? arg[..equals] : arg;
            string? inline = equals > 0 ? arg[(equals + 1)..] : null;
            switch (name)
            {
                case "--help" or "-h" or "-?":
                    result.Help = true;
                    break;
                case "--demo":
                    result.Demo = true;
                    break;
                case "--config":
                    result.ConfigPath = result.Value(name, inline, args, ref i);
                    break;
                case "--silo-port":
                    result.SiloPort = result.Port(name, result.Value(name, inline, args, ref i));
                    result.SiloPortGiven = true;
                    break;
                case "--gateway-port":
                    result.GatewayPort = result.Port(name, result.Value(name, inline, args, ref i));
                    result.GatewayPortGiven = true;
                    break;
                case "--urls":
                    result.Urls = result.Value(name, inline, args, ref i);
                    host.Add("--urls");
                    host.Add(result.Urls ?? "");
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':', StringComparison.Ordinal):
                    // An ASP.NET Core configuration key (--Logging:LogLevel:Default Debug).
                    host.Add(setting);
                    host.Add(result.Value(name, inline, args, ref i) ?? "");
                    break;
                case var option when option.StartsWith('-'):
                    result.Error = Closest(option) is { } suggestion
                        ? $"unknown option '{option}' (did you mean {suggestion}?)"
                        : $"unknown option '{option}' (expected one of {string.Join(", ", Options)})";
                    break;
                default:
                    result.Error = $"unexpected argument '{arg}': options start with -- (the pipeline file is given with --config {arg})";
                    break;
            }
        }

        result.HostArgs = [.. host];
        return result;
    }

    private string? Value(string name, string? inline, string[] args, ref int i)
    {
        if (inline is not null)
        {
            return inline;
        }

        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            Error ??= $"{name} needs a value";
            return null;
        }

        return args[++i];
    }

    private int Port(string name, string? text)
    {
        if (text is null)
        {
            return 0;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            Error ??= $"{name}: '{text}' is not a port number (1 to 65535)";
        }

        return port;
    }

    /// <summary>The option a mistyped one most likely meant: at most two edits away.</summary>
    private static string? Closest(string option)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in Options)
        {
            var distance = EditDistance(option, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
