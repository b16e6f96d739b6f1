using Pipeline.Grains.Search.Kql;
using Xunit;

namespace Pipeline.Tests.Kql;

public sealed class KqlParserErrorTests
{
    [Theory]
    [InlineData("status:", 7, "Expected a value after ':' at position 7")]
    [InlineData("status: ", 8, "Expected a value after ':' at position 8")]
    [InlineData("status: and b", 8, "Expected a value after ':' at position 8, found 'and'")]
    [InlineData("status:)", 7, "Expected a value after ':'")]
    [InlineData("(a or b", 7, "Expected ')' to close the '(' at position 0, found end of query at position 7")]
    [InlineData("((a) or b", 9, "Expected ')' to close the '(' at position 0")]
    [InlineData("a or b)", 6, "Unexpected ')' at position 6")]
    [InlineData("a and", 5, "Expected a query after 'and' at position 5, found end of query")]
    [InlineData("a or", 4, "Expected a query after 'or' at position 4")]
    [InlineData("a or or b", 5, "Expected a query after 'or' at position 5, found 'or'")]
    [InlineData("or a", 0, "Expected a query at position 0, found 'or'")]
    [InlineData("AND", 0, "Expected a query at position 0, found 'AND'")]
    [InlineData("not", 3, "Expected a query after 'not' at position 3")]
    [InlineData("a and not", 9, "Expected a query after 'not' at position 9")]
    [InlineData("()", 1, "Expected a query after '(' at position 1, found ')'")]
    [InlineData(")", 0, "Expected a query at position 0, found ')'")]
    [InlineData("\"unterminated", 0, "Unterminated quoted string starting at position 0")]
    [InlineData("log:\"abc", 4, "Unterminated quoted string starting at position 4")]
    [InlineData("log:\"abc\\\"", 4, "Unterminated quoted string")]
    [InlineData("bytes >=", 8, "Expected a value after '>=' at position 8")]
    [InlineData("bytes >= and", 9, "Expected a value after '>=' at position 9, found 'and'")]
    [InlineData("bytes < (1)", 8, "Expected a value after '<'")]
    [InlineData("bytes > 5*", 8, "Wildcards are not allowed in a range value at position 8")]
    [InlineData("status:()", 8, "Expected a value after '(' at position 8")]
    [InlineData("status:(a or)", 12, "Expected a value after 'or' at position 12, found ')'")]
    [InlineData("status:(a", 9, "Expected ')' to close the '(' at position 7")]
    [InlineData("status:(a b:c)", 10, "Expected ')' to close the '(' at position 7, found 'b'")]
    [InlineData(":value", 0, "Expected a field name before ':' at position 0")]
    [InlineData(">= 5", 0, "Expected a field name before '>='")]
    [InlineData("a and :b", 6, "Expected a field name before ':'")]
    [InlineData("a:b:c", 3, "Expected 'and', 'or' or end of query at position 3, found ':'")]
    [InlineData("\"a\" b", 4, "Expected 'and', 'or' or end of query at position 4, found 'b'; join expressions with 'and' or 'or'")]
    [InlineData("error kubernetes.pod_name:web", 6, "found 'kubernetes.pod_name'; join expressions with 'and' or 'or'")]
    [InlineData("a:b c:d", 4, "Expected 'and', 'or' or end of query at position 4")]
    [InlineData("a (b)", 2, "Expected 'and', 'or' or end of query at position 2, found '('")]
    [InlineData("kube*:x", 0, "Wildcards in field names are not supported at position 0")]
    [InlineData("\"\":x", 0, "Expected a field name at position 0")]
    [InlineData("a\\", 1, "Expected a character to escape after '\\' at position 1")]
    [InlineData("a:{b}", 2, "Nested field queries ('{') are not supported at position 2")]
    [InlineData("a }", 2, "Nested field queries ('}') are not supported at position 2")]
    [InlineData("@timestamp:yesterday", 11, "Expected a date for @timestamp at position 11")]
    [InlineData("@timestamp >= 2026-13-01", 14, "Expected a date for @timestamp at position 14")]
    [InlineData("@timestamp < \"2026-11-25T25:00:00Z\"", 13, "Expected a date for @timestamp")]
    [InlineData("@timestamp >= 2026-11-25T10:00:00Z", 14, "quote a time that contains ':'")]
    [InlineData("@timestamp:2026*", 11, "Wildcards are not allowed in a @timestamp value at position 11")]
    public void Malformed_query_is_rejected_with_the_position_of_the_problem(string query, int position, string message)
    {
        var error = Assert.Throws<KqlSyntaxException>(() => KqlParser.Parse(query));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected_not_overflowed()
    {
        var depth = KqlParser.MaxNestingDepth + 1;
        var query = new string('(', depth) + "a" + new string(')', depth);

        var error = Assert.Throws<KqlSyntaxException>(() => KqlParser.Parse(query));

        Assert.Equal(KqlParser.MaxNestingDepth, error.Position);
        Assert.Contains("deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_not_chain_is_rejected_not_overflowed()
    {
        var query = string.Concat(Enumerable.Repeat("not ", 100_000)) + "a";

        var error = Assert.Throws<KqlSyntaxException>(() => KqlParser.Parse(query));

        Assert.Equal(KqlParser.MaxNestingDepth * 4, error.Position);
    }

    [Fact]
    public void Random_input_raises_only_syntax_errors()
    {
        var random = new Random(42);
        const string alphabet = "ab :()\"\\*<>=!{}. \tANDornot@-'";
        for (var i = 0; i < 5_000; i++)
        {
            var chars = new char[random.Next(0, 24)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var query = new string(chars);
            try
            {
                Assert.NotNull(KqlParser.Parse(query));
            }
            catch (KqlSyntaxException ex)
            {
                Assert.InRange(ex.Position, 0, query.Length);
            }
        }
    }

    [Fact]
    public void Null_query_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => KqlParser.Parse(null!));
    }
}
