namespace Pipeline.Silo;

/// <summary>The silo's own options; everything else (such as <c>--urls</c>) goes to ASP.NET Core.</summary>
public sealed class SiloCommandLine
{
    public const string Usage =
        "usage: Pipeline.Silo [--config <pipeline.yaml>] [--demo] [--silo-port <n>] [--gateway-port <n>] [--urls http://127.0.0.1:<port>]";

    public string? ConfigPath { get; private set; }
    public bool Demo { get; private set; }
    public int SiloPort { get; private set; } = 11111;
    public int GatewayPort { get; private set; } = 30000;
    public string[] HostArgs { get; private set; } = [];
    public string? Error { get; private set; }

    public static SiloCommandLine Parse(string[] args)
    {
        var result = new SiloCommandLine();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config":
                    result.ConfigPath = Value(args, ref i, result);
                    break;
                case "--demo":
                    result.Demo = true;
                    break;
                case "--silo-port":
                    result.SiloPort = Port(Value(args, ref i, result), result);
                    break;
                case "--gateway-port":
                    result.GatewayPort = Port(Value(args, ref i, result), result);
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        result.HostArgs = [.. rest];
        return result;
    }

    private static string? Value(string[] args, ref int i, SiloCommandLine result)
    {
        if (i + 1 >= args.Length)
        {
            result.Error = $"{args[i]} needs a value";
            return null;
        }

        return args[++i];
    }

    private static int Port(string? text, SiloCommandLine result)
    {
        if (!int.TryParse(text, out var port) || port is < 1 or > 65535)
        {
            result.Error = $"'{text}' is not a port number";
        }

        return port;
    }
}
