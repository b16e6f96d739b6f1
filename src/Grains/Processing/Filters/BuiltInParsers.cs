namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Parsers known without a <c>logs.parsers</c> entry; an entry of the same name replaces one.
/// <c>json</c> and <c>logfmt</c> read the whole value; <c>apache2</c> and <c>nginx</c> the
/// combined access log format; <c>syslog-rfc5424</c> and <c>syslog-rfc3164</c> syslog lines;
/// <c>klog</c> the Kubernetes components' glog header (<c>I1125 10:00:00.123456  1 file.go:42] msg</c>).
/// </summary>
public static class BuiltInParsers
{
    // Access logs: remote address, identity, user, [time], "request", status, size, then optionally
    // "referer" "user agent". A size of '-' leaves the member out so it stays an integer when present.
    private static string CombinedLog(string remote) =>
        $$"""^(?<{{remote}}>\S+) (?<ident>\S+) (?<user>\S+) \[(?<time>[^\]]+)\] "(?<method>[A-Z]+|-)(?: +(?<path>[^ "]*)(?: +(?<protocol>[^ "]*))?)?" (?<code>\d{3}) (?:(?<size>\d+)|-)(?: "(?<referer>[^"]*)" "(?<agent>[^"]*)")?""";

    private static readonly Dictionary<string, ParserValueType> AccessLogTypes = new()
    {
        ["code"] = ParserValueType.Integer,
        ["size"] = ParserValueType.Integer,
    };

    private static readonly Dictionary<string, ParserDefinition> Parsers = Build();

    public static IReadOnlyCollection<string> Names => Parsers.Keys;

    public static bool TryGet(string name, out ParserDefinition parser) => Parsers.TryGetValue(name, out parser!);

    private static Dictionary<string, ParserDefinition> Build()
    {
        var access = TimeFormat.Parse("%d/%b/%Y:%H:%M:%S %z");
        ParserDefinition[] all =
        [
            new() { Name = "json", Format = ParserFormat.Json },
            new() { Name = "logfmt", Format = ParserFormat.Logfmt },
            new()
            {
                Name = "apache2", Format = ParserFormat.Regex, Regex = FilterRegex.Create(CombinedLog("host")),
                TimeKey = "time", TimeFormat = access, Types = AccessLogTypes,
            },
            new()
            {
                Name = "nginx", Format = ParserFormat.Regex, Regex = FilterRegex.Create(CombinedLog("remote")),
                TimeKey = "time", TimeFormat = access, Types = AccessLogTypes,
            },
            new()
            {
                // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]
                Name = "syslog-rfc5424", Format = ParserFormat.Regex,
                Regex = FilterRegex.Create("""^<(?<pri>\d{1,3})>\d{1,2} (?<time>\S+) (?<host>\S+) (?<ident>\S+) (?<pid>\S+) (?<msgid>\S+) (?<extradata>-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (?<message>.*))?$"""),
                TimeKey = "time", Types = new Dictionary<string, ParserValueType> { ["pri"] = ParserValueType.Integer },
            },
            new()
            {
                // <PRI>Mmm dd hh:mm:ss HOST IDENT[PID]: MESSAGE (no year: the record's)
                Name = "syslog-rfc3164", Format = ParserFormat.Regex,
                Regex = FilterRegex.Create("""^<(?<pri>\d{1,3})>(?<time>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}) (?<host>\S+) (?<ident>[^\s:\[]+)(?:\[(?<pid>\d+)\])?: ?(?<message>.*)$"""),
                TimeKey = "time", TimeFormat = TimeFormat.Parse("%b %d %H:%M:%S"),
                Types = new Dictionary<string, ParserValueType> { ["pri"] = ParserValueType.Integer, ["pid"] = ParserValueType.Integer },
            },
            new()
            {
                // Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg (no year: the record's)
                Name = "klog", Format = ParserFormat.Regex,
                Regex = FilterRegex.Create("""^(?<severity>[IWEF])(?<time>\d{4} \d{2}:\d{2}:\d{2}\.\d+) +(?<pid>\d+) (?<source>[^ \]]+)\] ?(?<message>.*)$"""),
                TimeKey = "time", TimeFormat = TimeFormat.Parse("%m%d %H:%M:%S.%L"),
                Types = new Dictionary<string, ParserValueType> { ["pid"] = ParserValueType.Integer },
            },
        ];
        return all.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }
}
