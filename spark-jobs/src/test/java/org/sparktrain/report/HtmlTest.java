package org.sparktrain.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlTest {
    @Test
    void escapesMarkupCharacters() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", Html.escape("a <b> & \"c\" 'd'"));
        assertEquals("", Html.escape(null));
        assertEquals("<pre>x &lt; 1\n</pre>\n", Html.pre("x < 1\n"));
    }

    @Test
    void tablesEscapeCellsAndRightAlignNumbers() {
        String html = new HtmlTable("name", "value").row("<x>", "1,234").row("y", "12.50%").row("z", "n/a").html();
        assertEquals("""
                <table>
                <thead><tr><th>name</th><th>value</th></tr></thead>
                <tbody>
                <tr><td>&lt;x&gt;</td><td class="num">1,234</td></tr>
                <tr><td>y</td><td class="num">12.50%</td></tr>
                <tr><td>z</td><td class="num">n/a</td></tr>
                </tbody>
                </table>
                """, html);
        assertEquals("<table>\n<tbody>\n<tr><th>k</th><td>v</td></tr>\n</tbody>\n</table>\n",
                new HtmlTable().row("k", "v").html());
    }

    @Test
    void formats() {
        assertEquals("0.9870", Formats.fixed(0.987));
        assertEquals("n/a", Formats.fixed(Double.NaN));
        assertEquals("98.70%", Formats.percent(0.987));
        assertEquals("10,000", Formats.count(10_000));
        assertEquals("10000", Formats.number(10_000));
        assertEquals("812.3", Formats.number(812.345));
        assertEquals("0.04", Formats.number(0.04));
        assertEquals("1.235e-05", Formats.number(1.2345e-5));
        assertEquals("n/a", Formats.number(Double.POSITIVE_INFINITY));
        assertEquals("42.1 s", Formats.duration(42.06));
        assertEquals("3m05s", Formats.duration(185));
        assertEquals("1h02m", Formats.duration(3725));
        assertEquals("n/a", Formats.duration(Double.NaN));
    }
}
