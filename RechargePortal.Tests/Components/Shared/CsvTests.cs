using RechargePortal.Components.Shared;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Tests.Components.Shared;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+8801712345678", "'+8801712345678")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    public void Text_starting_with_a_formula_character_is_written_as_text(string text, string written) =>
        Assert.Equal(written, Csv.Escape(text));

    [Theory]
    [InlineData("  =1+1", "'  =1+1")]
    [InlineData("   @cmd", "'   @cmd")]
    [InlineData("\u00a0-5", "'\u00a0-5")]
    public void Text_whose_first_non_blank_character_is_a_formula_character_is_written_as_text(string text, string written) =>
        Assert.Equal(written, Csv.Escape(text));

    [Fact]
    public void Text_starting_with_a_tab_is_written_as_text() =>
        Assert.Equal("'\tplain", Csv.Escape("\tplain"));

    [Fact]
    public void Text_starting_with_a_carriage_return_is_written_as_text_and_quoted() =>
        Assert.Equal("\"'\rplain\"", Csv.Escape("\rplain"));

    [Fact]
    public void Text_that_looks_like_a_negative_number_is_still_text() =>
        Assert.Equal("'-50.00", Csv.Escape("-50.00"));

    [Fact]
    public void A_negative_amount_the_portal_formats_stays_a_number() =>
        Assert.Equal("-50.00", Csv.Escape(CsvCell.Number(-Money.FromTaka(50))));

    [Theory]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("a;b", "\"a;b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    public void A_cell_with_a_separator_quote_or_line_break_is_quoted(string text, string written) =>
        Assert.Equal(written, Csv.Escape(text));

    [Theory]
    [InlineData("Karim Telecom")]
    [InlineData("01712345678")]
    [InlineData("a-b=c")]
    [InlineData("")]
    public void Ordinary_text_is_written_as_it_is(string text) =>
        Assert.Equal(text, Csv.Escape(text));

    [Fact]
    public void A_row_guards_and_quotes_each_cell_on_its_own() =>
        Assert.Equal("\"'=HYPERLINK(\"\"x\"\"), shop\",-1.50,'-1.50,plain",
            Csv.Row("=HYPERLINK(\"x\"), shop", CsvCell.Number(new Money(-150)), "-1.50", "plain"));
}
