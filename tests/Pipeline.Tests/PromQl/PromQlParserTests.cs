using MatchType = Pipeline.Grains.Metrics.MatchType;
using Pipeline.Grains.Metrics.PromQl;
using Xunit;

namespace Pipeline.Tests.PromQl;

public sealed class PromQlParserTests
{
    private static T Parse<T>(string query)
        where T : PromQlExpr => Assert.IsType<T>(PromQlParser.Parse(query));

    private static PromQlException Fails(string query)
    {
        var error = Assert.Throws<PromQlException>(() => PromQlParser.Parse(query));
        Assert.Equal(PromQlErrorType.BadData, error.ErrorType);
        Assert.Equal(400, error.HttpStatus);
        return error;
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("0x1F", 31)]
    [InlineData("0Xff", 255)]
    [InlineData("1e3", 1000)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("-7", -7)]
    [InlineData("+7", 7)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("+INF", double.PositiveInfinity)]
    public void Number_literals_are_read_as_prometheus_reads_them(string query, double expected) =>
        Assert.Equal(expected, Parse<NumberLiteralExpr>(query).Value);

    [Fact]
    public void NaN_is_a_number_in_any_case() => Assert.True(double.IsNaN(Parse<NumberLiteralExpr>("nAn").Value));

    [Theory]
    [InlineData("\"a\\\"b\\n\\t\\\\\"", "a\"b\n\t\\")]
    [InlineData("'it\\'s'", "it's")]
    [InlineData("`raw\\n`", "raw\\n")]
    [InlineData("\"\\x41\\101\\u00e9\\U0001F600\"", "AAé\U0001F600")]
    [InlineData("'double \" inside'", "double \" inside")]
    public void Strings_in_all_three_quote_kinds_unescape_as_go_does(string query, string expected) =>
        Assert.Equal(expected, Parse<StringLiteralExpr>(query).Value);

    [Fact]
    public void A_selector_carries_all_four_matchers_and_the_name_first()
    {
        var selector = Parse<VectorSelectorExpr>("http_requests_total{a=\"1\", b!=\"2\", c=~\"x.*\", d!~'y|z',}");
        Assert.Equal("http_requests_total", selector.Name);
        Assert.Equal(
            ["__name__=\"http_requests_total\"", "a=\"1\"", "b!=\"2\"", "c=~\"x.*\"", "d!~\"y|z\""],
            selector.Matchers.Select(m => m.ToString()));
        Assert.Equal([MatchType.Equal, MatchType.Equal, MatchType.NotEqual, MatchType.Regex, MatchType.NotRegex], selector.Matchers.Select(m => m.Type));
    }

    [Fact]
    public void A_selector_without_name_and_with_keywords_as_label_names()
    {
        var selector = Parse<VectorSelectorExpr>("{__name__=~\"job:.*\", on=\"x\", by=\"y\"}");
        Assert.Null(selector.Name);
        Assert.Equal(["__name__", "on", "by"], selector.Matchers.Select(m => m.Name));
    }

    [Theory]
    [InlineData("x[5m]", 300_000, 0)]
    [InlineData("x[1h30m]", 5_400_000, 0)]
    [InlineData("x[500ms] offset 1m", 500, 60_000)]
    [InlineData("x[2d] offset -1w", 172_800_000, -604_800_000)]
    [InlineData("x[1y]", 31_536_000_000, 0)]
    public void Ranges_and_offsets_take_prometheus_durations(string query, long rangeMs, long offsetMs)
    {
        var matrix = Parse<MatrixSelectorExpr>(query);
        Assert.Equal(rangeMs, matrix.RangeMs);
        Assert.Equal(offsetMs, matrix.Selector.OffsetMs);
    }

    [Fact]
    public void An_offset_on_an_instant_selector_may_be_negative() =>
        Assert.Equal(-90_000, Parse<VectorSelectorExpr>("x offset -1m30s").OffsetMs);

    [Fact]
    public void Pow_is_right_associative_and_binds_tighter_than_unary_minus()
    {
        var pow = Parse<BinaryExpr>("2 ^ 3 ^ 2");
        Assert.Equal("^", pow.Op);
        Assert.IsType<NumberLiteralExpr>(pow.Lhs);
        Assert.Equal("^", Assert.IsType<BinaryExpr>(pow.Rhs).Op);

        var negated = Parse<UnaryExpr>("-x ^ 2");
        Assert.Equal("^", Assert.IsType<BinaryExpr>(negated.Expr).Op);

        var product = Parse<BinaryExpr>("-x * 2");
        Assert.IsType<UnaryExpr>(product.Lhs);
    }

    [Fact]
    public void Precedence_runs_from_or_through_and_comparisons_sums_to_products()
    {
        // a or b and c == d + e * f  ==  a or (b and (c == (d + (e * f))))
        var or = Parse<BinaryExpr>("a or b and c == d + e * f");
        Assert.Equal("or", or.Op);
        var and = Assert.IsType<BinaryExpr>(or.Rhs);
        Assert.Equal("and", and.Op);
        var eq = Assert.IsType<BinaryExpr>(and.Rhs);
        Assert.Equal("==", eq.Op);
        var plus = Assert.IsType<BinaryExpr>(eq.Rhs);
        Assert.Equal("+", plus.Op);
        Assert.Equal("*", Assert.IsType<BinaryExpr>(plus.Rhs).Op);

        // Same level: left to right.
        var minus = Parse<BinaryExpr>("a - b - c");
        Assert.Equal("-", Assert.IsType<BinaryExpr>(minus.Lhs).Op);
        var unless = Parse<BinaryExpr>("a and b unless c");
        Assert.Equal("unless", unless.Op);
        Assert.Equal("atan2", Assert.IsType<BinaryExpr>(Parse<BinaryExpr>("a atan2 b + c").Lhs).Op);
    }

    [Fact]
    public void Matching_modifiers_are_kept()
    {
        var binary = Parse<BinaryExpr>("a / on(x, y) group_left(z) b");
        Assert.Equal(VectorMatchCardinality.ManyToOne, binary.Matching!.Cardinality);
        Assert.True(binary.Matching.On);
        Assert.Equal(["x", "y"], binary.Matching.MatchingLabels);
        Assert.Equal(["z"], binary.Matching.Include);

        var right = Parse<BinaryExpr>("a * ignoring(i) group_right b");
        Assert.Equal(VectorMatchCardinality.OneToMany, right.Matching!.Cardinality);
        Assert.False(right.Matching.On);
        Assert.Empty(right.Matching.Include);

        var compare = Parse<BinaryExpr>("a > bool on() b");
        Assert.True(compare.ReturnBool);
        Assert.Empty(compare.Matching!.MatchingLabels);

        Assert.Equal(VectorMatchCardinality.ManyToMany, Parse<BinaryExpr>("a and b").Matching!.Cardinality);
        Assert.Null(Parse<BinaryExpr>("a + 1").Matching);
    }

    [Theory]
    [InlineData("sum by (a, b) (x)", false)]
    [InlineData("sum(x) by (b, a)", false)]
    [InlineData("sum without (b, a) (x)", true)]
    [InlineData("SUM(x) WITHOUT (a, b, a)", true)]
    public void Aggregation_grouping_may_come_before_or_after_the_arguments(string query, bool without)
    {
        var aggregate = Parse<AggregateExpr>(query);
        Assert.Equal("sum", aggregate.Op);
        Assert.Equal(without, aggregate.Without);
        Assert.Equal(["a", "b"], aggregate.Grouping);
    }

    [Fact]
    public void Parameterised_aggregations_take_a_scalar_first()
    {
        var topk = Parse<AggregateExpr>("topk by (ns) (3, rate(x[5m]))");
        Assert.Equal(3, Assert.IsType<NumberLiteralExpr>(topk.Param).Value);
        Assert.IsType<FunctionCallExpr>(topk.Expr);
        Assert.Equal(0.9, Assert.IsType<NumberLiteralExpr>(Parse<AggregateExpr>("quantile(0.9, x)").Param).Value);
    }

    [Fact]
    public void Functions_are_type_checked_and_optional_arguments_allowed()
    {
        Assert.Equal("round", Parse<FunctionCallExpr>("round(x)").Function.Name);
        Assert.Equal(2, Parse<FunctionCallExpr>("round(x, 5)").Args.Count);
        Assert.Equal(PromQlValueType.Scalar, Parse<FunctionCallExpr>("time()").Type);
        Assert.Equal(5, Parse<FunctionCallExpr>("label_join(x, \"d\", \",\", \"a\", \"b\")").Args.Count);
        Assert.Equal(PromQlValueType.Vector, Parse<FunctionCallExpr>("hour()").Type);
    }

    [Fact]
    public void Comments_and_whitespace_are_ignored() =>
        Assert.Equal("+", Parse<BinaryExpr>("a # the left side\n  +\n\tb # and the right").Op);

    [Theory]
    [InlineData("rate(x[5m])[30m:1m]", "subquery")]
    [InlineData("x[5m:]", "subquery")]
    [InlineData("(a + b)[5m:1m]", "subquery")]
    [InlineData("x @ 1609746000", "the @ modifier")]
    [InlineData("rate(x[5m] @ end())", "the @ modifier")]
    [InlineData("count_values(\"v\", x)", "aggregation \"count_values\"")]
    [InlineData("holt_winters(x[5m], 0.5, 0.5)", "function \"holt_winters\"")]
    [InlineData("histogram_count(x)", "function \"histogram_count\"")]
    [InlineData("histogram_fraction(0, 1, x)", "function \"histogram_fraction\"")]
    public void Constructs_outside_the_subset_are_rejected_by_name(string query, string construct) =>
        Assert.Contains($"{construct} is not supported by this engine", Fails(query).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("", "no expression found in input")]
    [InlineData("sum(x", "unexpected end of input")]
    [InlineData("x{a=\"1\"", "unexpected end of input")]
    [InlineData("x{a~\"1\"}", "unexpected character: '~'")]
    [InlineData("x{a=1}", "expected a quoted label value")]
    [InlineData("{}", "vector selector must contain at least one non-empty matcher")]
    [InlineData("{a=~\".*\"}", "vector selector must contain at least one non-empty matcher")]
    [InlineData("x{__name__=\"y\"}", "metric name must not be set twice")]
    [InlineData("x{a=~\"(\"}", "invalid regular expression")]
    [InlineData("foo(x)", "unknown function with name \"foo\"")]
    [InlineData("rate(x)", "expected type range vector in call to function \"rate\", got instant vector")]
    [InlineData("abs(x[5m])", "expected type instant vector in call to function \"abs\", got range vector")]
    [InlineData("rate(x[5m], 1)", "expected 1 argument(s) in call to \"rate\", got 2")]
    [InlineData("round()", "expected 1 to 2 argument(s) in call to \"round\", got 0")]
    [InlineData("1 > 2", "comparisons between scalars must use BOOL modifier")]
    [InlineData("a + bool b", "bool modifier can only be used on comparison operators")]
    [InlineData("1 and 2", "set operator \"and\" not allowed in binary scalar expression")]
    [InlineData("a and on(x) group_left b", "no grouping allowed for \"and\" operation")]
    [InlineData("a + on(x) 1", "vector matching only allowed between instant vectors")]
    [InlineData("a + on(x) group_left(x) b", "label \"x\" must not occur in ON and GROUP clause at once")]
    [InlineData("x[5m] + 1", "binary expression must contain only scalar and instant vector types")]
    [InlineData("-x[5m]", "unary expression only allowed on expressions of type scalar or instant vector")]
    [InlineData("sum(x[5m])", "expected type instant vector in aggregation expression, got range vector")]
    [InlineData("topk(x)", "expected \",\" after the parameter of topk")]
    [InlineData("sum by (a) (x) by (b)", "aggregation may have only one by or without clause")]
    [InlineData("sum", "unexpected end of aggregation \"sum\"")]
    [InlineData("rate(x[5m]) offset 1m", "offset modifier must be preceded by an instant vector selector")]
    [InlineData("x offset 1m offset 2m", "offset may not be set multiple times")]
    [InlineData("x offset 5", "expected a duration after offset")]
    [InlineData("(x)[5m]", "ranges only allowed for vector selectors")]
    [InlineData("x[0s]", "range must be greater than zero")]
    [InlineData("x[5]", "expected a duration in the range")]
    [InlineData("1.5m", "bad number or duration syntax: \"1.5m\"")]
    [InlineData("5x", "bad number or duration syntax: \"5x\"")]
    [InlineData("\"unterminated", "unterminated quoted string")]
    [InlineData("\"bad \\q escape\"", "unknown escape sequence '\\q'")]
    [InlineData("a ! b", "unexpected character: '!'")]
    [InlineData("a + group_left(x) b", "\"on\" or \"ignoring\" before a grouping modifier")]
    [InlineData("a group_left b", "unexpected identifier \"group_left\", expected end of input")]
    public void Bad_queries_are_bad_data_saying_why(string query, string reason) =>
        Assert.Contains(reason, Fails(query).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_errors_carry_line_and_column()
    {
        Assert.StartsWith("1:7: parse error: unexpected", Fails("sum(x y)").Message, StringComparison.Ordinal);
        Assert.StartsWith("2:3: parse error:", Fails("a +\n  )").Message, StringComparison.Ordinal);
    }
}
