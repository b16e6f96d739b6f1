using Pipeline.Grains.Processing;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class ParserFilterTests : IDisposable
{
    private const string JsonLine = """{"level":"info","msg":"order placed","order":{"id":42,"total":99.90},"ok":true,"tags":["a","b"]}""";

    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private ILogFilter Parser(string keys, string parsers = "") => FilterYaml.Single($"""
        logs:
        {parsers}
          filters:
            - type: parser
        {keys}
        """, _metrics);

    private static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    [Fact]
    public void Json_by_default_keeps_only_the_parsed_members_and_the_pipeline_metadata()
    {
        var parser = Parser("""
                  parser: json
            """);
        var record = TestRecords.WithFields("""{"other":"dropped","kubernetes":{"labels":{"app":"cart"}}}""", JsonLine);

        Assert.Equal(FilterVerdict.Keep, parser.Apply(record));

        Assert.Equal("""{"level":"info","msg":"order placed","order":{"id":42,"total":99.90},"ok":true,"tags":["a","b"]}""", TestRecords.Members(record));
        Assert.Equal("cart", record.GetString(FieldPath.Parse("kubernetes.labels.app")));
        Assert.Equal("shop", record.Namespace);
        Assert.Equal(TestRecords.Time, record.TimeUnixNanos);
        Assert.Equal(0, _metrics.AllProblems);
    }

    [Fact]
    public void Reserve_data_keeps_the_other_members_and_preserve_key_keeps_the_message()
    {
        var reserve = Parser("""
                  parser: json
                  reserve_data: true
            """);
        var both = Parser("""
                  parser: json
                  reserve_data: on
                  preserve_key: on
            """);

        var reserved = TestRecords.WithFields("""{"other":"kept"}""", """{"level":"warn"}""");
        var preserved = TestRecords.WithFields("""{"other":"kept"}""", """{"level":"warn"}""");
        reserve.Apply(reserved);
        both.Apply(preserved);

        Assert.Equal("""{"other":"kept","level":"warn"}""", TestRecords.Members(reserved));
        Assert.Equal("""{"log":"{\"level\":\"warn\"}","other":"kept","level":"warn"}""", TestRecords.Members(preserved));
    }

    [Fact]
    public void Preserve_key_without_reserve_data_keeps_the_key_and_the_parsed_members_only()
    {
        var parser = Parser("""
                  key_name: payload
                  parser: logfmt
                  preserve_key: true
            """);
        var record = TestRecords.WithFields("""{"payload":"a=1 b=2","other":"dropped"}""", "message dropped");

        parser.Apply(record);

        Assert.Equal("""{"payload":"a=1 b=2","a":"1","b":"2"}""", TestRecords.Members(record));
    }

    [Fact]
    public void Merge_log_key_puts_the_parsed_members_under_one_member()
    {
        var parser = Parser("""
                  format: json
                  merge_log_key: app
                  reserve_data: true
            """);
        var record = TestRecords.WithFields("""{"other":"kept"}""", """{"level":"warn","n":1}""");

        parser.Apply(record);

        Assert.Equal("""{"other":"kept","app":{"level":"warn","n":1}}""", TestRecords.Members(record));
    }

    [Fact]
    public void Parsed_members_named_like_the_document_own_members_are_suffixed_and_log_becomes_the_message()
    {
        var parser = Parser("""
                  parser: json
            """);
        var record = TestRecords.Message("""{"log":"inner","stream":"custom","kubernetes":"x","@timestamp":"t","_id":"i"}""");

        parser.Apply(record);

        Assert.Equal("""{"log":"inner","stream_parsed":"custom","kubernetes_parsed":"x","@timestamp_parsed":"t","_id_parsed":"i"}""", TestRecords.Members(record));
        Assert.Equal("web-1", record.PodName);
        Assert.Equal(Grains.Batching.LogStream.Stdout, record.Stream);
    }

    [Theory]
    [InlineData("not json at all", "not_an_object")]
    [InlineData("[1,2,3]", "not_an_object")]
    [InlineData("{\"level\":\"info\",}", "invalid_json")]
    [InlineData("{\"a\":1} {\"b\":2}", "invalid_json")]
    [InlineData("{\"a\":\"unterminated}", "invalid_json")]
    public void A_message_that_is_not_a_json_object_is_kept_unchanged_and_counted(string line, string reason)
    {
        var parser = Parser("""
                  parser: json
            """);
        var record = TestRecords.WithFields("""{"other":"kept"}""", line);

        Assert.Equal(FilterVerdict.Keep, parser.Apply(record));

        Assert.Equal(line, record.Log);
        Assert.Equal("kept", record.GetString(FieldPath.Parse("other")));
        Assert.Equal(1, _metrics.Problems("parser", reason));
    }

    [Fact]
    public void A_missing_or_non_text_key_is_counted_and_the_record_left_alone()
    {
        var parser = Parser("""
                  key_name: payload
                  parser: json
            """);
        var missing = TestRecords.WithFields("""{"other":1}""");
        var number = TestRecords.WithFields("""{"payload":5}""");

        parser.Apply(missing);
        parser.Apply(number);

        Assert.Equal("""{"log":"hello","other":1}""", TestRecords.Members(missing));
        Assert.Equal("""{"log":"hello","payload":5}""", TestRecords.Members(number));
        Assert.Equal(1, _metrics.Problems("parser", "missing_key"));
        Assert.Equal(1, _metrics.Problems("parser", "not_text"));
    }

    [Fact]
    public void Json_from_a_nested_text_field_is_parsed()
    {
        var parser = Parser("""
                  key_name: $event['payload']
                  parser: json
                  reserve_data: true
            """);
        var record = TestRecords.WithFields("""{"event":{"payload":"{\"user\":\"ann\",\"n\":1.5}","kind":"x"}}""");

        parser.Apply(record);

        Assert.Equal("""{"log":"hello","event":{"kind":"x"},"user":"ann","n":1.5}""", TestRecords.Members(record));
    }

    [Fact]
    public void Logfmt_reads_quoted_values_escapes_and_bare_keys()
    {
        var parser = Parser("""
                  parser: logfmt
            """);
        var record = TestRecords.Message("""level=info msg="order \"42\" placed" path=/orders empty= retry user=ann""");

        parser.Apply(record);

        Assert.Equal("""{"level":"info","msg":"order \"42\" placed","path":"/orders","retry":true,"user":"ann"}""", TestRecords.Members(record));
    }

    [Fact]
    public void Logfmt_refuses_plain_text_and_with_no_bare_keys_lines_holding_one()
    {
        var plain = Parser("""
                  parser: logfmt
            """);
        var strict = Parser("""
                  format: logfmt
                  no_bare_keys: true
            """);

        var text = TestRecords.Message("just some words");
        var bare = TestRecords.Message("level=info retry");
        plain.Apply(text);
        strict.Apply(bare);

        Assert.Equal("just some words", text.Log);
        Assert.Equal("level=info retry", bare.Log);
        Assert.Equal(1, _metrics.Problems("parser", "no_match"));
        Assert.Equal(1, _metrics.Problems("parser", "bare_key"));
    }

    [Fact]
    public void An_inline_regex_turns_named_groups_into_typed_members_and_sets_the_time()
    {
        var parser = Parser("""
                  format: regex
                  regex: ^(?<time>[^ ]+ [^ ]+) (?<level>\w+) +(?:(?<code>\d+) )?(?<ratio>\d+\.\d+) (?<ok>\w+) (?<message>.*)$
                  time_key: time
                  time_format: "%Y-%m-%d %H:%M:%S.%L"
                  time_offset: "+01:00"
                  types: {code: integer, ratio: float, ok: bool}
            """);
        var record = TestRecords.Message("2026-01-02 03:04:05.250 WARN  0.5 true cache miss");

        parser.Apply(record);

        Assert.Equal("""{"level":"WARN","ratio":0.5,"ok":true,"message":"cache miss"}""", TestRecords.Members(record));
        Assert.Equal(Nanos(new DateTimeOffset(2026, 1, 2, 2, 4, 5, 250, TimeSpan.Zero)), record.TimeUnixNanos);
    }

    [Fact]
    public void A_value_the_regex_does_not_match_is_kept_and_counted()
    {
        var parser = Parser("""
                  format: regex
                  regex: ^(?<level>[A-Z]+) (?<message>.*)$
            """);
        var record = TestRecords.Message("lowercase line");

        parser.Apply(record);

        Assert.Equal("""{"log":"lowercase line"}""", TestRecords.Members(record));
        Assert.Equal(1, _metrics.Problems("parser", "no_match"));
    }

    [Fact]
    public void Time_keep_leaves_the_time_member_and_a_bad_time_is_counted_but_the_record_still_parsed()
    {
        var keep = Parser("""
                  format: json
                  time_key: ts
                  time_keep: true
            """);
        var bad = Parser("""
                  format: json
                  time_key: ts
                  time_format: "%Y-%m-%d"
            """);

        var kept = TestRecords.Message("""{"ts":"2026-01-02T03:04:05Z","a":1}""");
        var badTime = TestRecords.Message("""{"ts":"02/01/2026","a":1}""");
        keep.Apply(kept);
        bad.Apply(badTime);

        Assert.Equal("""{"ts":"2026-01-02T03:04:05Z","a":1}""", TestRecords.Members(kept));
        Assert.Equal(Nanos(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), kept.TimeUnixNanos);
        Assert.Equal("""{"ts":"02/01/2026","a":1}""", TestRecords.Members(badTime));
        Assert.Equal(TestRecords.Time, badTime.TimeUnixNanos);
        Assert.Equal(1, _metrics.Problems("parser", "bad_time"));
    }

    [Theory]
    [InlineData("1767323045", 0)]
    [InlineData("1767323045.5", 500_000_000)]
    [InlineData("1767323045500", 500_000_000)]
    [InlineData("\"1767323045250000\"", 250_000_000)]
    [InlineData("1767323045000000123", 123)]
    [InlineData("\"2026-01-02T03:04:05Z\"", 0)]
    public void Without_a_time_format_epoch_numbers_and_rfc3339_text_are_read(string value, long extraNanos)
    {
        var parser = Parser("""
                  format: json
                  time_key: ts
            """);
        var record = TestRecords.Message($$"""{"ts":{{value}}}""");

        parser.Apply(record);

        var expected = Nanos(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)) + extraNanos;
        Assert.Equal(expected, record.TimeUnixNanos);
        Assert.Equal("{}", TestRecords.Members(record));
    }

    [Fact]
    public void A_named_parser_from_logs_parsers_is_used_and_parsers_are_tried_in_order()
    {
        var parser = Parser("""
                  parser: [json, access]
            """, """
              parsers:
                - name: access
                  format: regex
                  regex: ^(?<method>GET|POST) (?<path>\S+) (?<code>\d{3})$
                  types: {code: integer}
            """);

        var json = TestRecords.Message("""{"a":1}""");
        var access = TestRecords.Message("GET /orders 200");
        var neither = TestRecords.Message("PUT /x 1");
        parser.Apply(json);
        parser.Apply(access);
        parser.Apply(neither);

        Assert.Equal("""{"a":1}""", TestRecords.Members(json));
        Assert.Equal("""{"method":"GET","path":"/orders","code":200}""", TestRecords.Members(access));
        Assert.Equal("""{"log":"PUT /x 1"}""", TestRecords.Members(neither));
        Assert.Equal(1, _metrics.Problems("parser", "no_match"));
    }

    [Fact]
    public void Apache2_and_nginx_read_the_combined_access_log()
    {
        var apache = Parser("""
                  parser: apache2
            """);
        var nginx = Parser("""
                  parser: nginx
            """);
        const string line = """192.168.1.7 - ann [25/Nov/2025:10:00:00 +0100] "GET /orders?id=1 HTTP/1.1" 200 5316 "https://shop/" "curl/8.5.0" """;

        var a = TestRecords.Message(line.TrimEnd());
        var n = TestRecords.Message("10.0.0.1 - - [25/Nov/2025:10:00:00 +0000] \"POST /api HTTP/2.0\" 404 -");
        apache.Apply(a);
        nginx.Apply(n);

        Assert.Equal("""{"host":"192.168.1.7","ident":"-","user":"ann","method":"GET","path":"/orders?id=1","protocol":"HTTP/1.1","code":200,"size":5316,"referer":"https://shop/","agent":"curl/8.5.0"}""", TestRecords.Members(a));
        Assert.Equal(Nanos(new DateTimeOffset(2025, 11, 25, 9, 0, 0, TimeSpan.Zero)), a.TimeUnixNanos);
        Assert.Equal("""{"remote":"10.0.0.1","ident":"-","user":"-","method":"POST","path":"/api","protocol":"HTTP/2.0","code":404}""", TestRecords.Members(n));
    }

    [Fact]
    public void Syslog_parsers_read_rfc5424_and_rfc3164_lines()
    {
        var rfc5424 = Parser("""
                  parser: syslog-rfc5424
            """);
        var rfc3164 = Parser("""
                  parser: syslog-rfc3164
            """);

        var modern = TestRecords.Message("""<165>1 2025-11-25T10:00:00.003Z web-1 shop 1234 ID47 [meta a="1"] order placed""");
        var legacy = TestRecords.Message("<34>Nov 24 22:14:15 mymachine su[230]: 'su root' failed");
        rfc5424.Apply(modern);
        rfc3164.Apply(legacy);

        Assert.Equal("""{"pri":165,"host":"web-1","ident":"shop","pid":"1234","msgid":"ID47","extradata":"[meta a=\"1\"]","message":"order placed"}""", TestRecords.Members(modern));
        Assert.Equal(Nanos(new DateTimeOffset(2025, 11, 25, 10, 0, 0, 3, TimeSpan.Zero)), modern.TimeUnixNanos);
        Assert.Equal("""{"pri":34,"host":"mymachine","ident":"su","pid":230,"message":"'su root' failed"}""", TestRecords.Members(legacy));
        Assert.Equal(Nanos(new DateTimeOffset(2025, 11, 24, 22, 14, 15, TimeSpan.Zero)), legacy.TimeUnixNanos);
    }

    [Fact]
    public void Klog_reads_the_kubernetes_components_header()
    {
        var parser = Parser("""
                  parser: klog
            """);
        var record = TestRecords.Message("E1125 09:59:58.123456       7 reflector.go:138] watch of *v1.Pod ended");

        parser.Apply(record);

        Assert.Equal("""{"severity":"E","pid":7,"source":"reflector.go:138","message":"watch of *v1.Pod ended"}""", TestRecords.Members(record));
        Assert.Equal(Nanos(new DateTimeOffset(2025, 11, 25, 9, 59, 58, TimeSpan.Zero)) + 123_456_000, record.TimeUnixNanos);
    }

    [Fact]
    public void Parsing_json_from_the_batch_bytes_never_decodes_the_message()
    {
        var parser = Parser("""
                  parser: json
            """);
        var record = TestRecords.Message(JsonLine);

        parser.Apply(record);

        Assert.Null(record.Log);
        Assert.Equal("order placed", record.GetString(FieldPath.Parse("msg")));
        Assert.Equal(42, record.GetNode(FieldPath.Parse("order.id"))!.GetValue<long>());
    }

    [Fact]
    public void A_name_given_twice_keeps_the_last_value()
    {
        var parser = Parser("""
                  parser: json
            """);
        var record = TestRecords.Message("""{"a":1,"b":2,"a":3}""");

        parser.Apply(record);

        Assert.Equal("""{"a":3,"b":2}""", TestRecords.Members(record));
    }

    [Fact]
    public void Many_distinct_short_values_come_out_exactly_as_written()
    {
        // Names and short values go through a bounded cache shared by all lines: collisions must never mix values up.
        var parser = Parser("""
                  parser: json
            """);
        for (var i = 0; i < 2_000; i++)
        {
            var record = TestRecords.Message($$"""{"k{{i % 97}}":"v{{i}}","level":"{{(i % 2 == 0 ? "info" : "warn")}}","ü{{i % 3}}":"é{{i}}"}""");
            parser.Apply(record);

            Assert.Equal($$"""{"k{{i % 97}}":"v{{i}}","level":"{{(i % 2 == 0 ? "info" : "warn")}}","ü{{i % 3}}":"é{{i}}"}""", TestRecords.Members(record));
        }
    }
}
