using Pipeline.Grains.Search.Kql;
using Xunit;

namespace Pipeline.Tests.Kql;

public sealed class KqlParserTests
{
    private static KqlFreeText Term(string value) => new(value, IsPhrase: false, HasWildcard: false);

    private static KqlFieldMatch Match(string field, string value) => new(field, value, IsPhrase: false, HasWildcard: false);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("*")]
    [InlineData(" * ")]
    public void Empty_query_or_star_matches_everything(string query)
    {
        Assert.Same(KqlMatchAll.Instance, KqlParser.Parse(query));
    }

    [Fact]
    public void Field_value_is_a_field_match()
    {
        Assert.Equal(Match("kubernetes.namespace_name", "shop"), KqlParser.Parse("kubernetes.namespace_name:shop"));
    }

    [Fact]
    public void Whitespace_around_the_colon_is_allowed()
    {
        Assert.Equal(Match("stream", "stderr"), KqlParser.Parse("  stream :  stderr "));
    }

    [Fact]
    public void Quoted_value_is_a_phrase()
    {
        Assert.Equal(new KqlFieldMatch("log", "connection refused", true, false), KqlParser.Parse("log:\"connection refused\""));
    }

    [Fact]
    public void Star_in_a_value_is_a_wildcard()
    {
        Assert.Equal(new KqlFieldMatch("kubernetes.pod_name", "web-*", false, true), KqlParser.Parse("kubernetes.pod_name:web-*"));
        Assert.Equal(new KqlFieldMatch("kubernetes.pod_name", "*eb*1", false, true), KqlParser.Parse("kubernetes.pod_name:*eb*1"));
    }

    [Fact]
    public void Star_alone_as_a_value_is_exists()
    {
        Assert.Equal(new KqlExists("kubernetes.pod_name"), KqlParser.Parse("kubernetes.pod_name:*"));
        Assert.Equal(new KqlExists("http.status"), KqlParser.Parse("http.status : *"));
    }

    [Fact]
    public void Quoted_star_is_a_literal_phrase_not_exists()
    {
        Assert.Equal(new KqlFieldMatch("log", "*", true, false), KqlParser.Parse("log:\"*\""));
    }

    [Fact]
    public void Bare_term_is_free_text()
    {
        Assert.Equal(Term("error"), KqlParser.Parse("error"));
    }

    [Fact]
    public void Bare_phrase_is_free_text_phrase()
    {
        Assert.Equal(new KqlFreeText("connection refused", true, false), KqlParser.Parse("\"connection refused\""));
    }

    [Fact]
    public void Bare_wildcard_term_is_free_text_with_wildcard()
    {
        Assert.Equal(new KqlFreeText("err*", false, true), KqlParser.Parse("err*"));
    }

    [Fact]
    public void Adjacent_words_make_one_value_keeping_their_spacing()
    {
        Assert.Equal(Term("quick  brown fox"), KqlParser.Parse("quick  brown fox"));
        Assert.Equal(Match("log", "null pointer"), KqlParser.Parse("log:null pointer"));
    }

    [Fact]
    public void Adjacent_words_with_a_wildcard_make_one_pattern()
    {
        Assert.Equal(new KqlFreeText("a\\*b quick bro*", false, true), KqlParser.Parse("a\\*b quick bro*"));
    }

    [Theory]
    [InlineData("a and b")]
    [InlineData("a AND b")]
    [InlineData("a And b")]
    [InlineData("a aNd b")]
    public void Keywords_are_case_insensitive(string query)
    {
        Assert.Equal(new KqlAnd(Term("a"), Term("b")), KqlParser.Parse(query));
    }

    [Fact]
    public void Or_and_not_keywords_in_any_case()
    {
        Assert.Equal(new KqlOr(Term("a"), new KqlNot(Term("b"))), KqlParser.Parse("a OR NoT b"));
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        Assert.Equal(new KqlOr(Term("a"), new KqlAnd(Term("b"), Term("c"))), KqlParser.Parse("a or b and c"));
        Assert.Equal(new KqlOr(new KqlAnd(Term("a"), Term("b")), Term("c")), KqlParser.Parse("a and b or c"));
    }

    [Fact]
    public void Not_binds_tighter_than_and()
    {
        Assert.Equal(new KqlAnd(new KqlNot(Term("a")), Term("b")), KqlParser.Parse("not a and b"));
    }

    [Fact]
    public void Not_can_repeat()
    {
        Assert.Equal(new KqlNot(new KqlNot(Term("a"))), KqlParser.Parse("not not a"));
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        Assert.Equal(new KqlAnd(new KqlOr(Term("a"), Term("b")), Term("c")), KqlParser.Parse("(a or b) and c"));
        Assert.Equal(new KqlNot(new KqlOr(Term("a"), Term("b"))), KqlParser.Parse("not (a or b)"));
        Assert.Equal(new KqlNot(Term("a")), KqlParser.Parse("not(a)"));
    }

    [Fact]
    public void Chains_of_one_operator_are_flat()
    {
        Assert.Equal(new KqlOr(Term("a"), Term("b"), Term("c")), KqlParser.Parse("a or b or c"));
        Assert.Equal(new KqlAnd(Term("a"), Term("b"), Term("c")), KqlParser.Parse("a and b and c"));
    }

    [Fact]
    public void Value_group_applies_the_field_to_each_value()
    {
        Assert.Equal(
            new KqlOr(Match("status", "200"), Match("status", "404")),
            KqlParser.Parse("status:(200 or 404)"));
    }

    [Fact]
    public void Value_group_keeps_precedence_not_and_parentheses()
    {
        Assert.Equal(
            new KqlOr(
                Match("f", "a"),
                new KqlAnd(new KqlNot(Match("f", "b")), Match("f", "c")),
                new KqlNot(new KqlAnd(Match("f", "d"), new KqlFieldMatch("f", "e f", true, false)))),
            KqlParser.Parse("f:(a or not b and c or not (d and \"e f\"))"));
    }

    [Theory]
    [InlineData("bytes >= 500", KqlRangeOperator.GreaterThanOrEqual)]
    [InlineData("bytes>=500", KqlRangeOperator.GreaterThanOrEqual)]
    [InlineData("bytes > 500", KqlRangeOperator.GreaterThan)]
    [InlineData("bytes < 500", KqlRangeOperator.LessThan)]
    [InlineData("bytes <=500", KqlRangeOperator.LessThanOrEqual)]
    public void Range_operators(string query, KqlRangeOperator op)
    {
        Assert.Equal(new KqlRange("bytes", op, "500"), KqlParser.Parse(query));
    }

    [Fact]
    public void Range_value_may_be_quoted()
    {
        Assert.Equal(
            new KqlRange("@timestamp", KqlRangeOperator.LessThan, "2026-11-25T10:00:00Z"),
            KqlParser.Parse("@timestamp < \"2026-11-25T10:00:00Z\""));
    }

    [Fact]
    public void Range_combines_with_other_expressions()
    {
        Assert.Equal(
            new KqlAnd(new KqlRange("http.status", KqlRangeOperator.GreaterThanOrEqual, "500"), Match("kubernetes.namespace_name", "shop")),
            KqlParser.Parse("http.status >= 500 and kubernetes.namespace_name:shop"));
    }

    [Fact]
    public void Timestamp_is_a_field_name()
    {
        Assert.Equal(Match("@timestamp", "2026-11-25"), KqlParser.Parse("@timestamp:2026-11-25"));
    }

    [Fact]
    public void Backslash_escapes_special_characters_in_unquoted_values()
    {
        Assert.Equal(Match("url", "/api:v1(x) <y> \"z\" {w}"), KqlParser.Parse("url:/api\\:v1\\(x\\)\\ \\<y\\>\\ \\\"z\\\"\\ \\{w\\}"));
    }

    [Fact]
    public void Escaped_star_is_literal_and_not_a_wildcard()
    {
        Assert.Equal(Match("f", "a*b"), KqlParser.Parse("f:a\\*b"));
        Assert.Equal(new KqlFieldMatch("f", "a\\*b*", false, true), KqlParser.Parse("f:a\\*b*"));
        Assert.Equal(new KqlFieldMatch("f", "a\\\\b*", false, true), KqlParser.Parse("f:a\\\\b*"));
    }

    [Fact]
    public void Escaped_whitespace_characters()
    {
        Assert.Equal(Match("f", "a\tb\nc"), KqlParser.Parse("f:a\\tb\\nc"));
    }

    [Fact]
    public void Escaped_or_quoted_keywords_are_values()
    {
        Assert.Equal(Term("and"), KqlParser.Parse("\\and"));
        Assert.Equal(new KqlFreeText("or", true, false), KqlParser.Parse("\"or\""));
        Assert.Equal(Match("word", "or"), KqlParser.Parse("word:\\or"));
    }

    [Fact]
    public void Quoted_strings_unescape_quotes_and_backslashes_only()
    {
        Assert.Equal(new KqlFieldMatch("log", "say \"hi\" c:\\dir \\d", true, false), KqlParser.Parse("log:\"say \\\"hi\\\" c:\\\\dir \\d\""));
    }

    [Fact]
    public void Quoted_field_name()
    {
        Assert.Equal(Match("odd name", "x"), KqlParser.Parse("\"odd name\":x"));
    }

    [Fact]
    public void Dotted_and_underscored_field_names_are_whole()
    {
        Assert.Equal(Match("kubernetes.labels.app_kubernetes_io/name", "web"), KqlParser.Parse("kubernetes.labels.app_kubernetes_io/name:web"));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var depth = KqlParser.MaxNestingDepth;
        var query = new string('(', depth) + "a" + new string(')', depth);

        Assert.Equal(Term("a"), KqlParser.Parse(query));
    }

    [Fact]
    public void Parsed_trees_compare_by_value()
    {
        Assert.Equal(KqlParser.Parse("a or (b and not c:d*)"), KqlParser.Parse("a OR (b AND NOT c:d*)"));
        Assert.Equal(KqlParser.Parse("a or b").GetHashCode(), KqlParser.Parse("a  or  b").GetHashCode());
        Assert.NotEqual(KqlParser.Parse("a or b"), KqlParser.Parse("a and b"));
    }
}
