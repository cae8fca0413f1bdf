"""Each format, from a small real file made here, becomes clean paragraphs."""

import re

import pytest
from fpdf import FPDF

from pathlib import Path

from qa import QAError
from qa.extract import display_name, extract, read_file
from qa.pdf import Box, Line, drop_references, join_bullets, merge_flow, paragraphs_of

PDFS = Path(__file__).parent / "data" / "pdf"

PAGE = b"""<!doctype html><html><head><title>River Guide | Example Site</title>
<style>body{color:red} .x{content:'STYLE_RULE'}</style><script>var t = 'SCRIPT_CODE';</script></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a> NAVIGATION_MENU</nav>
<div class="cookie-banner" id="cookie-consent">We use cookies COOKIE_BANNER. <button>Accept all</button></div>
<main><article><h1>River Guide</h1>
<p>The Danube is Europe's second-longest river, after the Volga. It flows through ten countries.</p>
<p>Originating in Germany, the Danube flows southeast for 2,850 km before draining into the Black Sea.</p>
<p>Its drainage basin extends into nine more countries. It was once a frontier of the Roman Empire.</p>
</article></main><footer>Copyright 2026 FOOTER_TEXT. <a href="/privacy">Privacy</a></footer></body></html>"""


def test_html_keeps_the_main_text_and_the_page_title():
    article = extract("guide.html", PAGE)
    assert article.title == "River Guide"
    assert len(article.paragraphs) == 3 and article.paragraphs[0].startswith("The Danube is Europe's")
    text = " ".join(article.paragraphs)
    for junk in ("NAVIGATION_MENU", "COOKIE_BANNER", "FOOTER_TEXT", "SCRIPT_CODE", "STYLE_RULE"):
        assert junk not in text


MARKDOWN = """# Field Notes

Intro about the **trip**, with a [link](http://example.com/x) and ![a heron](heron.png).

## Birds

### Herons
Grey herons nest in tall trees near the lake,
usually in early spring.

## Plants

- Reeds grow at the shore.
"""


def test_markdown_headings_are_context_not_paragraphs_and_markup_is_removed():
    article = extract("notes.md", MARKDOWN.encode())
    assert article.title == "Field Notes"
    assert article.paragraphs == (
        "Intro about the trip, with a link and a heron.",
        "Grey herons nest in tall trees near the lake, usually in early spring.",
        "Reeds grow at the shore.",
    )
    assert article.context == ("", "Birds › Herons", "Plants")


def test_markdown_heading_words_find_their_section(fresh_engine):
    text = ("# Trip\n\nWe left early.\n\n## Lake Constance\n\nThe water was calm and green all day.\n\n"
            "## Mountains\n\nSnow covered the high passes.\n")
    doc = fresh_engine.open_upload("trip.md", text.encode())
    assert doc.paragraphs[1] == "The water was calm and green all day."
    assert doc.ask("What was Lake Constance like?").citations[0].paragraph == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_plain_text_encodings_are_detected_and_wrapped_lines_rejoined(encoding):
    text = "Café notes\n\nThe café on the corner serves crêpes\nand strong coffee every morning.\n\nIt closes at noon."
    article = extract("notes.txt", text.encode(encoding))
    assert article.title == "Café notes"
    assert article.paragraphs == ("The café on the corner serves crêpes and strong coffee every morning.",
                                  "It closes at noon.")


def _pdf(pages: list[list[str]], title: str | None = "Lighthouse Report") -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for paragraphs in pages:
        pdf.add_page()
        for p in paragraphs:
            pdf.multi_cell(0, 6, p)
            pdf.ln(4)
    return bytes(pdf.output())


def test_pdf_text_becomes_paragraphs_across_lines_and_pages():
    first = ("The Bell Rock Lighthouse stands eleven miles off the coast of Angus in Scotland, on a reef "
             "that is covered by the sea at high tide and was a danger to ships for centuries.")
    data = _pdf([[first, "It was built between 1807 and 1810 by Robert Stevenson."],
                 ["The light was automated in 1988, and the keepers left the rock."]])
    article = extract("report.pdf", data)
    assert article.title == "Lighthouse Report"
    assert article.paragraphs == (first, "It was built between 1807 and 1810 by Robert Stevenson.",
                                  "The light was automated in 1988, and the keepers left the rock.")


def test_pdf_paragraph_running_over_a_page_break_is_one_paragraph():
    long = " ".join(f"Sentence {n} of the long paragraph tells of the keepers and their lamps." for n in range(60))
    article = extract("long.pdf", _pdf([[long, "A new short paragraph after it."]]))
    assert article.paragraphs == (long, "A new short paragraph after it.")


def test_two_column_paper_reads_in_column_order_with_whole_paragraphs():
    # elsarticle's own specimen paper (TeX Live's elsarticle docs, LPPL): two columns, a title
    # footnote, running footer, equations
    article = read_file(PDFS / "elstest-5p.pdf")
    assert article.title == "This is a specimen ab title"
    abstract = next(p for p in article.paragraphs if p.startswith("In this work we demonstrate"))
    assert abstract.endswith("by assembling the micro-spheres into a linear chain.")
    intro = next(p for p in article.paragraphs if p.startswith("Although quadrupole excitons"))
    assert "crystals are good candidates" in intro           # "crys-" + "tals" re-joined
    assert len(article.paragraphs) <= 120                   # pypdf's lines gave 424
    assert "1. Introduction" in article.context               # a heading is context, not a paragraph
    assert "1. Introduction" not in article.paragraphs


def test_ragged_right_pdf_paragraphs_run_over_a_page_and_a_bullet_s_hanging_indent():
    # the Shared MIME-info spec (DocBook, ragged right) cut a paragraph at a page break whose
    # last line stopped short of the margin ("Information found in a" / "directory is added …"),
    # and each bullet item at its second line, indented under the item's text
    item = ("Applications must be able to extend the database in any way when they are installed, "
            "to add both new rules for determining type, and new information about specific types.")
    filler = " ".join(f"Sentence {k} tells of the keepers and their lamps." for k in range(57))
    words = "keepers lamps reef tide lighthouse stone granite mortar beacon ships storms winter oil wick " \
            "extraordinarily administration".split()
    long = "The keepers kept " + ", ".join(f"the {words[k % 16]} of the {words[k * 5 % 16]}" for k in range(120)) + "."
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 5, "There are two important requirements:", align="L")
    pdf.ln(3)
    pdf.cell(3, 5, "-")                        # the item's lines start 3 mm right of its bullet
    pdf.multi_cell(0, 5, item, align="L")
    for text in (filler, filler, long, "A new short paragraph after it."):
        pdf.ln(3)
        pdf.multi_cell(0, 5, text, align="L")
    paragraphs = extract("spec.pdf", bytes(pdf.output())).paragraphs
    assert paragraphs == (f"There are two important requirements: {item}", filler, filler, long,
                          "A new short paragraph after it.")


def test_pdf_title_comes_from_the_largest_text_when_metadata_is_a_file_name():
    article = read_file(PDFS / "apssamp.pdf")                 # REVTeX sample; metadata title "apssamp.dvi"
    assert article.title == "Manuscript Title: with Forced Linebreak"
    abstract = next(p for p in article.paragraphs if p.startswith("An article usually includes an abstract"))
    assert abstract.endswith("covered at length in the main body of the article.")   # two lines, one paragraph


def test_pdf_reference_list_is_dropped_and_exponents_and_subscripts_stay():
    article = read_file(PDFS / "apssamp.pdf")                 # its bibliography: entries "[2] …" to "[24] …"
    assert not [p for p in article.paragraphs if re.match(r"\[\d+\]\s", p)]
    text = " ".join(article.paragraphs)
    assert "(|p| + pz)]−1/2" in text                          # an exponent and a subscript, not footnote marks


def test_only_a_section_of_reference_entries_is_dropped_not_a_chapter_about_references():
    entries = ["Karl Kingsley, Gillian M Galbraith, Matthew Herring,", "Eva Stowers and Karla V Kingsley. 2011. Why not just google it?",
               "Proximal policy optimization algorithms. arXiv preprint arXiv:1707.06347.", "OpenAI. 2023. Gpt-4 technical report."]
    appendix = ["We generate training data for imitation learning on a session-by-session basis."]
    body = ["The crawler expands the paper list.", "The selector reads each paper."]
    paragraphs, context = drop_references(body + entries + appendix,
                                          ["3 Method"] * 2 + ["References"] * 4 + ["A.1 Imitation learning data"])
    assert paragraphs == body + appendix and context == ["3 Method"] * 2 + ["A.1 Imitation learning data"]
    manual = ["Three bibliographic style files are provided with the class.",
              "In LaTeX, references are listed in the thebibliography environment.",
              "Each reference is a bibitem, cited by its key.", "The numbered scheme uses cite with a label."]
    assert drop_references(manual, ["11. Bibliography"] * 4) == (manual, ["11. Bibliography"] * 4)


def test_a_line_pdfminer_cut_in_two_is_joined_but_the_next_column_is_not():
    # Ray (arXiv 1712.05889), page 9: a bold run-in heading and its text on one baseline came out
    # as two boxes, and "In Figure 11a, we" stood alone as a paragraph
    body = Line("for long-running Ray applications.", 315, 453, 700, 10.0, False)
    heading = Line("Recovering from task failures.", 325, 457, 712, 10.0, True)
    rest = Line("In Figure 11a, we", 464, 540, 712, 10.0, False)
    other_column = Line("Section 6 compares the systems.", 560, 790, 712, 10.0, False)
    boxes = merge_flow([Box(9, (body, heading), 315, 457), Box(9, (rest,), 464, 540), Box(9, (other_column,), 560, 790)])
    assert [line.text for box in boxes for line in box.lines] == [
        "for long-running Ray applications.", "Recovering from task failures. In Figure 11a, we",
        "Section 6 compares the systems."]


def test_a_run_in_abstract_label_starts_its_own_paragraph():
    # ICDAR 2023 (arXiv 2305.14962): the affiliation's last line filled its box, so the abstract
    # box below it was read as its continuation
    affiliation = Box(1, (Line("IBM Research Zurich Laboratory", 214, 402, 214, 9.0, False),
                          Line("{cau,ahn,mly}@zurich.ibm.com", 214, 402, 227, 9.0, False)), 214, 402)
    abstract = Box(1, (Line("Abstract. Transforming documents into machine-processable forms", 163, 452, 269, 9.0, False),
                       Line("is a challenging task due to their complex structures.", 163, 400, 280, 9.0, False)), 163, 452)
    paragraphs, _ = paragraphs_of([affiliation, abstract], 9.0, set())
    assert paragraphs == ["IBM Research Zurich Laboratory {cau,ahn,mly}@zurich.ibm.com",
                          "Abstract. Transforming documents into machine-processable forms is a challenging task due "
                          "to their complex structures."]


def test_pdf_single_line_paragraphs_are_told_apart_by_the_gap_between_them():
    lines = ["The Bell Rock Lighthouse stands eleven miles off the coast of Angus in Scotland.",
             "It was built between 1807 and 1810 by the engineer Robert Stevenson.",
             "The light was automated in 1988, and the last keepers left the rock."]
    assert extract("bell.pdf", _pdf([lines], title="Bell Rock")).paragraphs == tuple(lines)


def test_a_pdf_title_repeated_as_every_page_s_running_header_is_still_the_title():
    # DocBook's PDFs (freedesktop's shared-mime-info spec on this machine) print the title at the
    # top of the first page and again atop every later page: it went as a running header, and
    # the next largest line ("X Desktop Group") became the title
    pdf = FPDF()
    pdf.set_margins(20, 8)
    for page in range(4):
        pdf.add_page()
        if page == 0:
            pdf.set_font("Helvetica", "B", 24)
            pdf.cell(0, 12, "Shared Harbour Database", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=17)
            pdf.cell(0, 10, "Harbour Users Group", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", size=9)
            pdf.cell(0, 6, "Shared Harbour Database", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.ln(20)
        pdf.multi_cell(0, 5, f"Section {page + 1} of the database lists every boat moored at the harbour, "
                             "with its owner, its length and the mooring it is let.")
    article = extract("spec.pdf", bytes(pdf.output()))
    assert article.title == "Shared Harbour Database"


def test_a_pdf_book_s_chapter_header_on_a_short_chapter_s_pages_is_not_a_paragraph():
    # libtasn1's manual (Texinfo, /usr/share/doc/libtasn1-doc): "Chapter 2: ASN.1 structure
    # handling" atop the chapter's two pages, too few to count as running (a third of the pages),
    # read as paragraphs and ran into the text ("Appendix A: Copying Information The “Invariant …")
    chapters = ["Moorings", "Fees", "Tides", "Cranes", "Fuel", "Winter storage"]
    pdf = FPDF()
    pdf.set_margins(20, 8)
    for page in range(12):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, f"Chapter {1 + page // 2}: {chapters[page // 2]}     {page + 1}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.ln(20)
        pdf.multi_cell(0, 5, f"Page {page + 1} of the guide lists every boat moored at the harbour, "
                             "with its owner, its length and the mooring it is let.")
    article = extract("guide.pdf", bytes(pdf.output()))
    assert not any("Chapter" in p for p in article.paragraphs)
    assert len(article.paragraphs) == 12


def test_pdf_without_text_is_a_clear_error():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)                       # a drawing, no text layer
    with pytest.raises(Exception, match="no extractable text"):
        extract("scan.pdf", bytes(pdf.output()))


@pytest.mark.parametrize("name,shown", [("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\x\\a.md", "a.md"),
                                        ("..", ""), ("notes.txt", "notes.txt")])
def test_upload_names_lose_their_paths(name, shown):
    assert display_name(name) == shown


WIKI_PAGE = """<!doctype html><html><head><title>Bell Rock Lighthouse - Wikipedia</title></head><body>
<div id="content"><h1>Bell Rock Lighthouse</h1>
<div role="note" class="hatnote">For the Scottish song, see Bell Rock (song).</div>
<table class="infobox"><tr><th>Location</th><td>Inchcape reef</td></tr><tr><th>Constructed</th><td>1810</td></tr></table>
<p>The Bell Rock Lighthouse stands eleven miles off the coast of Angus, on the Inchcape reef.<sup class="reference"><a href="#cite-1">[1]</a></sup>
It is the oldest surviving sea-washed lighthouse in the world.<sup class="reference"><a href="#cite-2">[2]</a></sup></p>
<h2><span class="mw-headline">Construction</span><span class="mw-editsection">[<a href="/edit">edit</a>]</span></h2>
<p>It was built between 1807 and 1810 by Robert Stevenson, working from plans by John Rennie.<sup class="reference">[3]</sup></p>
<figure><img src="a.jpg"><figcaption>The lighthouse in 2006, seen from a passing ship. Photo: J. Smith</figcaption></figure>
<p>The stones were cut at Arbroath and carried out to the reef by boat in the summer months.</p>
<table class="wikitable"><thead><tr><th>Keeper</th><th>Years</th></tr></thead>
<tbody><tr><td>John Reid</td><td>1811–1814</td></tr><tr><td>Peter Logan</td><td>1814–1830</td></tr></tbody></table>
<h2><span class="mw-headline">References</span><span class="mw-editsection">[<a href="/edit">edit</a>]</span></h2>
<div class="reflist"><ol class="references">
<li id="cite-1"><span class="mw-cite-backlink">^</span> Nicholson, Christopher (1995). Rock Lighthouses of Britain. Whittles.</li>
<li id="cite-2"><span class="mw-cite-backlink">^</span> "Bell Rock". Northern Lighthouse Board. Retrieved 2 May 2010.</li>
<li id="cite-3"><span class="mw-cite-backlink">^</span> Stevenson, Robert (1824). An Account of the Bell Rock Light-House.</li>
</ol></div></div></body></html>"""


def test_wikipedia_apparatus_is_dropped_and_tables_read_as_labelled_rows():
    article = extract("bell-rock.html", WIKI_PAGE.encode())
    assert article.title == "Bell Rock Lighthouse"                  # without " - Wikipedia"
    text = "\n".join(article.paragraphs)
    assert "on the Inchcape reef. It is the oldest surviving" in text    # no [1] markers
    for junk in ("[edit]", "[3]", "Nicholson", "Retrieved", "Scottish song", "Photo: J. Smith", "Constructed"):
        assert junk not in text                         # references, hatnote, caption, infobox
    assert "Keeper: John Reid; Years: 1811–1814" in article.paragraphs
    built = article.paragraphs.index(next(p for p in article.paragraphs if p.startswith("It was built")))
    assert article.context[built] == "Construction"     # the heading, without its [edit] link


def test_an_xhtml_page_that_declares_its_encoding_loses_its_apparatus_too():
    # lxml refuses decoded text with an encoding declaration, and such pages (libxslt's manual,
    # DocBook output) had been read with every menu, reference and [edit] link in them
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + WIKI_PAGE
    article = extract("bell-rock.html", page.encode())
    text = "\n".join(article.paragraphs)
    assert "on the Inchcape reef. It is the oldest surviving" in text
    for junk in ("[edit]", "Nicholson", "Scottish song", "Photo: J. Smith"):
        assert junk not in text


def test_a_blogger_post_s_image_captions_are_not_paragraphs():
    # Blogger sets an image and its caption in a table ("tr-caption"); a real post read
    # "Schematic from hell!" as a paragraph of its own, as figcaptions are dropped elsewhere
    page = """<html><head><title>Open Verilog flow</title></head><body><div class="post-body">
<p>The development software is free of charge, but the only way to enter a design is a schematic editor.</p>
<table class="tr-caption-container"><tbody><tr><td><img src="s.png"></td></tr>
<tr><td class="tr-caption">Schematic from hell!</td></tr></tbody></table>
<p>Schematics quickly get unwieldy, and they are a pain to diff and to collaborate on with others.</p>
</div></body></html>"""
    article = extract("post.html", page.encode())
    assert len(article.paragraphs) == 2 and not any("hell" in p for p in article.paragraphs)


def test_a_news_story_s_byline_and_topic_tags_are_not_its_first_paragraph_but_still_name_its_author():
    # Salon's stories read "Richard (R.J.) Eskow Topics: uber, libertarians, Sydney, …" as their
    # first paragraph; the page's only author metadata is that byline
    story = ["Horror stories about the taxi service have been commonplace in recent months, it seems.",
             "A number of experts have challenged the idea that the explosion of violence was terrorism."]
    page = ("<html><head><title>The sharing economy is a lie</title></head><body><div class='articleInner'>"
            "<h1>The sharing economy is a lie</h1><span class='byline'><a href='/writer/jane_roe/' rel='author'>"
            "Jane Roe</a></span><p class='topics'>Topics: <a href='/topic/uber'>uber</a>, "
            "<a href='/topic/sydney'>Sydney</a>, <a href='/topic/picks'>Editor's Picks</a></p>"
            + "".join(f"<p>{p}</p>" for p in story) + "</div></body></html>")
    article = extract("story.html", page.encode())
    assert article.paragraphs == tuple(story)
    assert article.details.author == "Jane Roe"


def test_a_standfirst_set_as_a_subheading_is_a_paragraph_not_the_section_of_every_paragraph():
    # Salon and CityLab set the summary under the title as an <h2>; read as a heading, every
    # citation of the story showed it as its section. The page's description tag repeats it (cut
    # short here, as descriptions often are); a real subheading stays a heading.
    standfirst = "Disruptive companies talk a good game about sharing. Uber is really just a company making riches"
    story = ["Horror stories about the taxi service have been commonplace in recent months, it seems.",
             "A number of experts have challenged the idea that the explosion of violence was terrorism.",
             "The company raised its prices during the siege, and then it gave the money back."]
    page = ("<html><head><title>The sharing economy is a lie</title>"
            f"<meta name='description' content='{standfirst[:70]}'></head><body><article>"
            f"<h1>The sharing economy is a lie</h1><h2>{standfirst}</h2><p>{story[0]}</p><p>{story[1]}</p>"
            f"<h2>What happened in Sydney</h2><p>{story[2]}</p></article></body></html>")
    article = extract("story.html", page.encode())
    assert article.paragraphs == (standfirst, *story)
    assert article.context == ("", "", "", "What happened in Sydney")


def test_a_list_of_other_stories_after_the_story_is_not_part_of_it():
    # TIME's pages end with "More Must-Reads From TIME", eight headlines that became the story's
    # last paragraphs; a list under an ordinary subheading stays
    story = ["James Hansen first warned Congress of the threat from climate change in 1988, in a hearing.",
             "Scientists think that warming of that scale would cause irreversible damage to the climate."]
    steps = ["Stop burning coal in power stations.", "Put a price on carbon emissions."]
    others = [("The Struggle to Save Lives ", "Inside Gaza's Hospitals"), ("Is ", "Using the Snooze Button Bad for You?"),
              ("The ", "Best Inventions of 2023")]     # as TIME writes them: half of each a link
    page = ("<html><head><title>Hansen calls for geoengineering</title></head><body><article>"
            "<h1>Hansen calls for geoengineering</h1>" + "".join(f"<p>{p}</p>" for p in story)
            + "<h2>What he proposes</h2><ul>" + "".join(f"<li>{s}</li>" for s in steps) + "</ul>"
            + "<h2>More Must-Reads From TIME</h2><ul>" + "".join(f"<li><span>{a}</span><a href='/{n}'>{b}</a></li>" for n, (a, b) in enumerate(others))
            + "</ul></article></body></html>")
    article = extract("story.html", page.encode())
    assert article.paragraphs == (*story, *steps)


GLOSSARY_PAGE = """<html><head><title>Monitoring terms</title></head><body><article><h1>Monitoring terms</h1>
<p>Teams use the following terms when they talk about watching a running service in production.</p>
<dl>
<dt>White-box monitoring</dt><dd>Monitoring based on metrics exposed by the internals of the system, such as logs.</dd>
<dt>Node</dt><dt>Machine</dt><dd><p>A single instance of a running kernel, on a physical server or a virtual machine.</p></dd>
<dt>Why is paging expensive?</dt><dd>A page interrupts an engineer's work or sleep, so it must be worth it.</dd>
<dt>Building dashboards</dt><dd><p><a id="index-term"></a>Dashboards show the <a href="#signals">golden signals</a>.</p></dd>
</dl>
<table><caption>Table 6-1. Example symptoms and causes</caption>
<thead><tr><th>Symptom</th><th>Cause</th></tr></thead>
<tbody><tr><td>My responses are slow</td><td>CPUs are overloaded</td></tr>
<tr><td>Pages return 500s</td><td>Database servers refuse connections</td></tr></tbody></table>
</article></body></html>"""


def test_definition_list_terms_join_their_definitions():
    # apart, the term was a two-word paragraph and the definition never named what it defines
    paragraphs = extract("terms.html", GLOSSARY_PAGE.encode()).paragraphs
    assert "White-box monitoring: Monitoring based on metrics exposed by the internals of the system, such as logs." \
        in paragraphs
    assert "Node / Machine: A single instance of a running kernel, on a physical server or a virtual machine." \
        in paragraphs
    assert "Why is paging expensive? A page interrupts an engineer's work or sleep, so it must be worth it." in paragraphs
    assert "Building dashboards: Dashboards show the golden signals." in paragraphs    # an empty anchor first
    assert not any(p in ("White-box monitoring", "Node", "Machine") for p in paragraphs)


def test_table_caption_is_a_paragraph_and_rows_keep_their_column_labels():
    # trafilatura read the caption as the first row, pushing the header into the body
    paragraphs = extract("terms.html", GLOSSARY_PAGE.encode()).paragraphs
    assert "Table 6-1. Example symptoms and causes" in paragraphs
    assert "Symptom: My responses are slow; Cause: CPUs are overloaded" in paragraphs
    assert not any("---" in p or p.endswith("Symptom; Cause") for p in paragraphs)


def test_a_page_laid_out_in_tables_keeps_its_paragraphs_and_its_data_table_its_rows():
    # LWN.net puts the whole page in nested layout tables: trafilatura ran each article into one
    # 800-word row. A data table with a paragraph in every cell stays a table.
    story = ["The Arduino project grew out of course work taught at a design institute in Ivrea, Italy.",
             "Arduino LLC was incorporated in 2008 by the five founders of the open-hardware project.",
             "The boards themselves were manufactured by a separate company, Smart Projects, in Italy."]
    data = ("<table><tr><td><p>Release</p></td><td><p>Date</p></td></tr>"
            "<tr><td><p>4.2.3</p></td><td><p>April 2014</p></td></tr></table>")
    page = ("<html><head><title>Weekly edition</title></head><body><table class='Page'><tr>"
            "<td class='LeftColumn'><p>Front page</p><p>Security</p></td><td><table><tr><td>"
            "<h1>Weekly edition</h1><h2>A trademark battle</h2>" + "".join(f"<p>{p}</p>" for p in story)
            + data + "</td></tr></table></td></tr></table></body></html>")
    paragraphs = extract("lwn.html", page.encode()).paragraphs
    assert all(p in paragraphs for p in story)
    assert any("4.2.3" in p and "April 2014" in p and "Arduino" not in p for p in paragraphs)


def test_page_furniture_paragraphs_are_dropped_and_sentences_about_sharing_kept():
    furniture = ["Share on Twitter", "Share on Facebook", "1 of 5", "Close", "Fullscreen", "Previous", "Next",
                 "941 comments", "Loading Comments...", "Continue reading the main story", "Read more:",
                 "Copyright © 2015, Eklektix, Inc.", "Next page: Security>>", "// Tags", "Tags:",
                 "Next: Reporting bugs, Previous: Time, Up: Time [Contents][Index]",
                 "© 2014 Cable News Network. Turner Broadcasting System, Inc. All Rights Reserved.",
                 "™ & © 2013 Cable News Network, Inc., a Time Warner Company. All rights reserved.",
                 "Read more: Inside a Controversial Startup's Risky Attempt to Control Our Climate",
                 "Related: Is the sea wall too low?"]
    story = ["The harbour board will share the cost of the new sea wall with the county council.",
             "Work will close the quay to fishing boats for six weeks from the first of March.",
             "Next: the board meets the fishermen's association in April.",
             "Related: the fishermen want the quay open on Sundays."]
    page = ("<html><head><title>Sea wall</title></head><body><article><h1>Sea wall</h1>"
            + "".join(f"<p>{p}</p>" for p in story[:1] + furniture + story[1:]) + "</article></body></html>")
    assert extract("wall.html", page.encode()).paragraphs == tuple(story)


def test_skip_links_for_screen_readers_do_not_run_into_the_next_paragraph():
    # The New York Times puts "Continue reading the main story" after blocks of a story, as a
    # link to the next one (nytimes-2 in tests/data/extract): it ran into the next paragraph.
    story = ["Yahoo's sale to Verizon is a complicated beast, for shareholders above all.",
             "In the second step, at the closing, Yahoo will sell the stock in the subsidiary to Verizon.",
             "Because it is a sale of a subsidiary, the money will be paid to Yahoo itself."]
    skip = '<a class="visually-hidden skip-to-text-link" href="#story-continues-{}">Continue reading the main story</a>'
    page = ('<html><head><title>Yahoo sale</title></head><body><a class="skip-link" href="#main">Skip to content</a>'
            '<article id="main"><h1>Yahoo sale</h1>'
            + " ".join(f"<p>{p}</p> {skip.format(i)}" for i, p in enumerate(story)) + "</article></body></html>")
    assert extract("yahoo.html", page.encode()).paragraphs == tuple(story)


def test_markdown_code_is_one_paragraph_with_the_text_right_before_it_not_after_a_heading():
    source = """# Installing

Update Homebrew and install the tool:

```
brew update
brew install tool
```

- Bash/Zsh:

  ```
  alias brew='env brew'
  ```

The tool keeps its files in one folder.

```
ls ~/.tool
```

## Shells

```
echo done
```
"""
    article = extract("README.md", source.encode())
    assert article.paragraphs == ("Update Homebrew and install the tool: brew update brew install tool",
                                  "Bash/Zsh: alias brew='env brew'", "The tool keeps its files in one folder. ls ~/.tool",
                                  "echo done")


def test_a_paragraph_ending_with_a_colon_and_the_paragraph_it_introduces_are_one():
    # Python's Unicode HOWTO: "The most important tip is:" and the tip, quoted: apart, the intro
    # was cited for "What's the most important rule …?" and said nothing. A paragraph too long to
    # join stays apart, and so does a heading's first paragraph.
    long = "Each codec is listed with its aliases and the languages it covers. " * 20
    page = ("<html><head><title>Unicode HOWTO</title></head><body><div><h1>Unicode HOWTO</h1>"
            "<p>This section provides some suggestions on writing software that deals with Unicode.</p>"
            "<p>The most important tip is:</p><blockquote><div><p>Software should only work with Unicode "
            "strings internally, decoding the input data as soon as possible and encoding the output only "
            "at the end.</p></div></blockquote>"
            "<p>If you attempt to write processing functions that accept both Unicode and byte strings, you "
            "will find your program vulnerable to bugs.</p>"
            f"<p>The standard library has many codecs:</p><p>{long}</p>"
            "<p>Two tools help with normalisation:</p><h2>Normalisation</h2>"
            "<p>The unicodedata module converts strings to one of several normal forms.</p></div></body></html>")
    assert extract("unicode.html", page.encode()).paragraphs == (
        "This section provides some suggestions on writing software that deals with Unicode.",
        "The most important tip is: Software should only work with Unicode strings internally, decoding the "
        "input data as soon as possible and encoding the output only at the end.",
        "If you attempt to write processing functions that accept both Unicode and byte strings, you will find "
        "your program vulnerable to bugs.",
        "The standard library has many codecs:", long.strip(), "Two tools help with normalisation:",
        "The unicodedata module converts strings to one of several normal forms.")


def test_a_sentence_that_goes_on_after_the_code_it_introduces_stays_one_paragraph():
    # Python's logging HOWTO: "… from a command-line option such as:" / --log=INFO / "and you
    # have the value …": two paragraphs, each half a sentence. A paragraph that opens with a
    # name from the code is not a continuation.
    page = ("<html><head><title>Logging HOWTO</title></head><body><div><h1>Logging HOWTO</h1>"
            "<p>If you want to set the logging level from a command-line option such as:</p>"
            "<div class='highlight'><pre>--log=INFO\n</pre></div>"
            "<p>and you have the value of the parameter in some variable loglevel, you can use:</p>"
            "<div class='highlight'><pre>getattr(logging, loglevel.upper())\n</pre></div>"
            "<p>to get the value which you will pass to basicConfig().</p>"
            "<p>The call returns a number:</p><div class='highlight'><pre>logging.INFO\n</pre></div>"
            "<p>getattr() looks the level up by its name.</p></div></body></html>")
    assert extract("logging.html", page.encode()).paragraphs == (
        "If you want to set the logging level from a command-line option such as: --log=INFO and you have the "
        "value of the parameter in some variable loglevel, you can use: getattr(logging, loglevel.upper()) to get "
        "the value which you will pass to basicConfig().",
        "The call returns a number: logging.INFO", "getattr() looks the level up by its name.")


def test_code_inside_a_definition_does_not_swallow_the_rest_of_the_page():
    # trafilatura indents the fence that opens a code block in a list item, not the one closing it
    page = ("<html><head><title>bzip2 manual</title></head><body><div><h1>bzip2 manual</h1>"
            "<p>The program compresses files with the Burrows-Wheeler block sorting algorithm.</p>"
            "<dl><dt><code>--</code></dt><dd><p>Treats all later arguments as file names, even if they start\n"
            "  with a dash, for example:\n  <code>bzip2 --\n  -myfilename</code>.</p></dd>"
            "<dt>-s --small</dt><dd>Reduce memory usage, for compression and decompression alike.</dd></dl>"
            "<p><code>bzip2</code> compresses large files in blocks of up to 900 kilobytes each.</p>"
            "</div></body></html>")
    paragraphs = extract("manual.html", page.encode()).paragraphs
    assert "bzip2 compresses large files in blocks of up to 900 kilobytes each." in paragraphs
    assert not any("```" in p or p == "." for p in paragraphs), paragraphs


def test_markdown_table_of_contents_entries_are_not_paragraphs():
    source = """# Tool

## Table of Contents

* **[Installation](#installation)**
  * [Uninstalling the tool](#uninstalling-the-tool)
* [Project site](https://example.org/tool)

## Installation

Run the installer from the project site; see [Uninstalling the tool](#uninstalling-the-tool) to undo it.

## Uninstalling the tool

Remove the tool's folder and the lines it added to your shell's startup file.
"""
    assert extract("README.md", source.encode()).paragraphs == (
        "Project site",
        "Run the installer from the project site; see Uninstalling the tool to undo it.",
        "Remove the tool's folder and the lines it added to your shell's startup file.")


def test_a_github_readme_s_contents_spelled_as_full_links_are_not_paragraphs():
    # orjson's README (its PyPI description): 25 one-word paragraphs ("Usage", "Install", …,
    # "License") came before any text, and "What license is it under?" cited "License"
    source = """# tool

tool is a fast parser.

1. [Usage](https://github.com/someone/tool?tab=readme-ov-file#usage)
    1. [Install](https://github.com/someone/tool?tab=readme-ov-file#install)
2. [License](https://github.com/someone/tool?tab=readme-ov-file#license)
3. [impl Copy for Parser](https://docs.example.org/tool/struct.Parser.html#impl-copy-for-parser)

## Usage

### Install

Install it from PyPI.

## License

tool is licensed under the MIT license.
"""
    assert extract("README.md", source.encode()).paragraphs == (
        "tool is a fast parser.", "impl Copy for Parser", "Install it from PyPI.",
        "tool is licensed under the MIT license.")


def test_links_to_the_page_s_own_sections_that_a_sentence_introduces_stay_in_it():
    # Node.js's globals.md: "The following globals are available to use with fetch:" and its
    # links to the page's own sections had read "…: FormData; Headers; Response", without Request
    source = """# Globals

The following globals are available to use with `fetch`:

* [`Headers`](https://nodejs.org/api/globals.html#headers)
* [`Request`](#request)

## Headers

A headers object.

## Request

A request object.
"""
    assert extract("globals.md", source.encode()).paragraphs[0] == (
        "The following globals are available to use with fetch: Headers; Request")


def test_a_readme_s_title_is_read_without_the_badges_on_its_line_but_a_logo_alone_still_names_it():
    # threadpoolctl's README was titled "Thread-pool Controls Build Status codecov"
    badges = ("# Thread-pool Controls [![Build Status](https://example.org/badge.svg)](https://example.org/ci)"
              " [![codecov](https://example.org/cov.svg)](https://example.org/cov)\n\nPython helpers to limit threads.\n")
    assert extract("README.md", badges.encode()).title == "Thread-pool Controls"
    logo = "# ![Pillow](https://example.org/logo.png)\n\nPython Imaging Library.\n"
    assert extract("README.md", logo.encode()).title == "Pillow"


def test_a_readme_s_badges_and_lone_images_are_not_paragraphs_and_a_table_cell_s_line_break_is_a_space():
    # pyenv's README opened with "Join the chat at https://gitter.im/yyuu/pyenv" (a badge's alt
    # text) as ¶1, had "Terminal output example" (a GIF's) as ¶50, and its table read
    # "Specifies the Python version to be used.Also see …"
    source = """# Tool

[![Build Status](https://ci.example.org/tool.svg)](https://ci.example.org/tool) [![Join the chat](https://chat.example.org/b.svg)](https://chat.example.org/tool)

Tool keeps a notebook of the shell commands you ran. ![A screenshot of the notebook](shot.png)

![Terminal output example](demo.gif)

[![Sponsor logo](logo.png)](https://sponsor.example.org) Sponsored by Example.

name | description
-----|------------
`TOOL_HOME` | Where notebooks are kept.<br>Also see `tool root`
"""
    assert extract("README.md", source.encode()).paragraphs == (
        "Tool keeps a notebook of the shell commands you ran. A screenshot of the notebook",
        "Sponsor logo Sponsored by Example.",
        "name: TOOL_HOME; description: Where notebooks are kept. Also see tool root")


NEWS_PAGE = ("<html><head><title>Storm floods harbour town | Kelmouth Gazette</title>"
             '<meta property="og:site_name" content="Kelmouth Gazette"></head><body><article><h1>Storm floods harbour town</h1>'
             "<p>Two trawlers sank at their moorings when the storm surge reached the harbour on Sunday night.</p>"
             "<p>The Anchor Inn on Quay Street was flooded to a depth of a metre and will stay closed for months.</p>"
             "</article></body></html>")
# mdBook (the Rust book on this machine): a menu <h1> holds the book's name, which trafilatura
# takes for the title; the <title> says "Chapter - Book"
BOOK_PAGE = ("<html><head><title>What is Ownership? - The Harbour Handbook</title></head><body>"
             '<div class="menu-bar"><h1 class="menu-title">The Harbour Handbook</h1></div><main>'
             "<h1>What Is Ownership?</h1>"
             "<p>Every boat moored in the harbour has exactly one registered owner at any time.</p>"
             "<p>When the owner sells the boat, the mooring passes to the buyer with it.</p></main></body></html>")
# the Rust book printed as one page: trafilatura's metadata took the help dialog's heading
PRINTED_BOOK = ("<html><head><title>The Harbour Handbook</title></head><body>"
                '<div id="mdbook-help-container"><div id="mdbook-help-popup">'
                '<h2 class="mdbook-help-title">Keyboard shortcuts</h2>'
                "<div><p>Press <kbd>←</kbd> or <kbd>→</kbd> to navigate between chapters</p></div></div></div>"
                '<div class="menu-bar"><h1 class="menu-title">The Harbour Handbook</h1></div><main>'
                '<h1 id="the-harbour-handbook">The Harbour Handbook</h1>'
                "<p>Every boat moored in the harbour has exactly one registered owner at any time.</p>"
                '<h1 id="moorings">Moorings</h1>'
                "<p>When the owner sells the boat, the mooring passes to the buyer with it.</p></main></body></html>")

# newspaper4k's test pages: Sott.net's titles end " -- Sott.net"; LinkNaija's begin with the
# site's name and motto
HEADLESS = NEWS_PAGE.replace("<h1>Storm floods harbour town</h1>", "")      # their <h1> holds more than the headline
DASHED_SITE = HEADLESS.replace("</head>", '<meta property="og:title" content="Storm floods harbour town -- Kelmouth Gazette"></head>')
BREADCRUMB = HEADLESS.replace("</head>", '<meta property="og:title" content="Storm floods harbour town » Local » '
                                          'Noticias » Kelmouth Gazette"></head>')     # a Mallorcan paper's
SITE_FIRST = (HEADLESS.replace('content="Kelmouth Gazette"', 'content="Kelmouth Gazette | News of the coast"')
              .replace("</head>", '<meta property="og:title" content="Kelmouth Gazette | News of the coast: '
                                  'Storm floods harbour town"></head>'))


@pytest.mark.parametrize("page,title,first", [
    (NEWS_PAGE, "Storm floods harbour town", "Two trawlers sank"),              # no site name or byline
    (DASHED_SITE, "Storm floods harbour town", "Two trawlers sank"),
    (SITE_FIRST, "Storm floods harbour town", "Two trawlers sank"),
    (BREADCRUMB, "Storm floods harbour town", "Two trawlers sank"),
    (BOOK_PAGE, "What is Ownership?", "Every boat moored"),                    # the chapter, not the book
    (PRINTED_BOOK, "The Harbour Handbook", "Every boat moored"),               # not a heading outside the text
], ids=["news-site-name", "site-after-two-dashes", "site-name-first", "breadcrumb", "book-chapter",
        "heading-outside-the-text"])
def test_an_html_page_s_title_is_its_headline(page, title, first):
    article = extract("page.html", page.encode())
    assert article.title == title
    assert article.paragraphs[0].startswith(first)


def test_reference_web_pages_read_close_to_a_reference_reader_without_apparatus():
    # Mozilla Readability's test pages (tests/data/extract/README.md): outside pages with a
    # reference main text; the 0.95 target is the issue's, not fitted here
    from qa.extract_eval import evaluate

    results = evaluate(Path(__file__).parent / "data" / "extract" / "html")
    assert len(results) >= 15
    assert sum(r.f1 for r in results) / len(results) >= 0.95, [(r.name, r.f1) for r in results]
    for r in results:
        assert not (r.junk["reference"] or r.junk["table-row"] or r.junk["edit-link"] or r.junk["marker"]), r



def test_a_list_after_an_intro_ending_with_a_colon_is_one_paragraph_with_it():
    source = """# Rules

Keep these rules in mind as we work through the examples:

- Each boat has an owner.
- There can only be one owner at a time.
- When the owner leaves, the mooring is freed

Supported shells:

1. Bash
2. Zsh

A list with no intro stays as it is.

- first item here.
- second item here.
"""
    article = extract("rules.md", source.encode())
    assert article.paragraphs == (
        "Keep these rules in mind as we work through the examples: Each boat has an owner. "
        "There can only be one owner at a time. When the owner leaves, the mooring is freed",
        "Supported shells: Bash; Zsh",
        "A list with no intro stays as it is.", "first item here.", "second item here.")


def test_a_long_list_after_an_intro_is_joined_only_up_to_a_paragraph_s_length():
    items = "\n".join(f"- Item number {i} of the inventory lists a different kind of rope, net or hook."
                      for i in range(40))
    article = extract("inventory.md", f"# Stores\n\nThe stores hold:\n\n{items}\n".encode())
    assert article.paragraphs[0].startswith("The stores hold: Item number 0 of the inventory")
    assert all(len(p) <= 1200 for p in article.paragraphs)
    assert " ".join(article.paragraphs).count("Item number") == 40


def test_a_list_of_names_or_links_with_no_intro_is_one_paragraph_not_one_per_name():
    # excerpts of tzlocal's and scikit-learn's README (reStructuredText) and Narwhals' (Markdown),
    # each list under a heading, with no sentence introducing it
    rst = """tzlocal
=======

tzlocal returns a tzinfo object with the local timezone information.

Contributors
------------

* Marc Van Olmen
* Benjamen Meyer
* Manuel Ebert

Main Channels
^^^^^^^^^^^^^

- **Website**: https://scikit-learn.org
- **Blog**: https://blog.scikit-learn.org

Points made in sentences
^^^^^^^^^^^^^^^^^^^^^^^^

- It finds the local timezone on Unix.
- It reads the Windows registry on Windows.
"""
    article = extract("README.rst", rst.encode())
    assert article.paragraphs[1:] == (
        "Marc Van Olmen; Benjamen Meyer; Manuel Ebert",
        "Website: https://scikit-learn.org; Blog: https://blog.scikit-learn.org",
        "It finds the local timezone on Unix.", "It reads the Windows registry on Windows.")
    assert article.context[1] == "Contributors"
    markdown = """# Narwhals

## Used by

- [altair](https://github.com/vega/altair/)
- [bokeh](https://github.com/bokeh/bokeh)

## Contents

- [Used by](#used-by)
- [Installation](#installation)
"""
    assert extract("README.md", markdown.encode()).paragraphs == ("altair; bokeh",)



def _word_document() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Harbour Report 2026", style="Title")
    document.add_paragraph("The harbour handled more boats this year than in any year before.")
    document.add_heading("Moorings", level=1)
    document.add_paragraph("Every mooring is let for a year at a time. The rules for owners are:")
    document.add_paragraph("Each boat has one registered owner.", style="List Bullet")
    document.add_paragraph("A mooring passes to the buyer when the boat is sold.", style="List Bullet")
    document.add_heading("Fees", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Boat length", "Yearly fee"), ("Under 8 m", "£900"), ("8 m and over", "£1,400")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("Fees are paid in advance at the harbour office.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_documents_read_title_sections_lists_and_tables_in_order():
    article = extract("report.docx", _word_document())
    assert article.title == "Harbour Report 2026"
    assert article.paragraphs == (
        "The harbour handled more boats this year than in any year before.",
        "Every mooring is let for a year at a time. The rules for owners are: Each boat has one registered "
        "owner. A mooring passes to the buyer when the boat is sold.",
        "Boat length: Under 8 m; Yearly fee: £900",
        "Boat length: 8 m and over; Yearly fee: £1,400",
        "Fees are paid in advance at the harbour office.")
    assert article.context == ("", "Moorings", "Moorings › Fees", "Moorings › Fees", "Moorings › Fees")


def test_a_word_list_of_names_with_no_intro_is_one_paragraph_and_a_list_of_sentences_stays_apart():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Harbour Report 2026", style="Title")
    document.add_paragraph("The harbour handled more boats this year than in any year before.")
    document.add_heading("Harbour staff", level=1)
    for name in ("Ada Brennan", "Joe Ikeda", "Lena Sato"):
        document.add_paragraph(name, style="List Bullet")
    document.add_heading("Rules", level=1)
    for rule in ("Each boat has one registered owner.", "A mooring passes to the buyer when the boat is sold."):
        document.add_paragraph(rule, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    article = extract("report.docx", out.getvalue())
    assert article.paragraphs[1:] == ("Ada Brennan; Joe Ikeda; Lena Sato", "Each boat has one registered owner.",
                                      "A mooring passes to the buyer when the boat is sold.")
    assert article.context[1] == "Harbour staff"


def test_a_damaged_word_document_is_a_clear_error_and_other_zips_still_say_unpack():
    data = _word_document()
    with pytest.raises(QAError, match="not a Word document that can be read"):
        extract("report.docx", data[: len(data) // 2])
    with pytest.raises(QAError, match="ZIP archive"):
        extract("report.zip", data)


def test_damaged_word_documents_give_clear_errors_never_a_library_s_exception(monkeypatch):
    # python-docx, zipfile, zlib and lxml each raise their own errors on damaged bytes
    import random

    data, rng = _word_document(), random.Random(7)
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 10, 50])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            extract("report.docx", bytes(damaged))
        except QAError:
            pass
    import qa.word

    monkeypatch.setattr(qa.word, "MAX_UNPACKED_BYTES", 1000)       # a ZIP bomb stops before unpacking
    with pytest.raises(QAError, match="unpacks to"):
        extract("report.docx", data)


def test_an_item_after_code_too_long_to_join_is_not_joined_to_the_code():
    # the intro and its first items fill most of a paragraph; the code does not fit, the last item would
    items = "".join(f"- Step {i} of the procedure checks one more valve on the pump.\n" for i in range(16))
    code = "".join(f"  pump --check valve{i}\n" for i in range(15))
    source = f"# Steps\n\nDo this:\n\n{items}- then run:\n\n  ```\n{code}  ```\n- last step.\n"
    paragraphs = extract("steps.md", source.encode()).paragraphs
    assert paragraphs[0].startswith("Do this: Step 0") and paragraphs[-1] == "last step."


def test_pdf_bullets_after_an_intro_ending_with_a_colon_join_it_and_others_lose_their_bullet():
    # Ray's paper: "The application layer consists of three types of processes:" and a bullet each
    paragraphs = ["The application layer consists of three types of processes:", "• Driver: A process executing the "
                  "user program.", "• Worker: A stateless process that executes tasks.", "The system layer has three parts.",
                  "• A bullet after a paragraph that introduces nothing stays."]
    joined, context = join_bullets(paragraphs, ["4 Architecture"] * 5)
    assert joined == ["The application layer consists of three types of processes: Driver: A process executing the user "
                      "program. Worker: A stateless process that executes tasks.", "The system layer has three parts.",
                      "A bullet after a paragraph that introduces nothing stays."]   # without its bullet
    assert context == ["4 Architecture"] * 3


API_PAGE = """<html><head><title>Addons | Node.js Documentation</title></head><body><main>
<h1>C++ addons<span><a class="mark" href="#addons" id="addons">#</a></span></h1>
<p>Addons are dynamically-linked shared objects written in C++ that can be loaded into Node.js.</p>
<h2>Building<span><a class="mark" href="#building" id="building">#</a></span>
<a class="srclink" href="https://github.com/nodejs/node/blob/lib/addons.js">[src]</a></h2>
<p>Once the binding file is ready, the example addons can be configured and built using node-gyp:</p>
<pre><code class="language-bash">node-gyp configure build</code> <button class="copy-button">copy</button></pre>
<h2>Function arguments<span><a class="mark" href="#function-arguments" id="function-arguments">#</a></span></h2>
<p>Addons will typically expose objects and functions that can be accessed from JavaScript running in Node.js.</p>
<h2>Context awareness<a class="headerlink" href="#context" title="Permalink to this heading">¶</a></h2>
<p>There are environments in which Node.js addons may need to be loaded multiple times in multiple contexts.</p>
</main></body></html>"""


def test_heading_permalinks_are_not_heading_words_and_one_line_code_ends_its_paragraph():
    # Node.js's docs: every section read "Building#", and a one-line code block ran on into the
    # next heading ("node-gyp configure build #### Function arguments")
    article = extract("addons.html", API_PAGE.encode())
    assert article.title == "C++ addons"
    assert set(article.context) == {"", "Building", "Function arguments", "Context awareness"}
    code = article.paragraphs.index(next(p for p in article.paragraphs if "node-gyp configure build" in p))
    assert article.paragraphs[code].endswith("node-gyp configure build")
    assert article.context[code] == "Building" and article.context[code + 1] == "Function arguments"


SPHINX_API_PAGE = (
    """<html><head><title>pathlib — Object-oriented filesystem paths</title></head><body>
<div class="body" role="main"><section id="module-pathlib"><h1>pathlib — Object-oriented filesystem paths<a class="headerlink"
href="#module-pathlib" title="Permalink to this heading">¶</a></h1>
<p>This module offers classes representing filesystem paths with semantics appropriate for different operating systems.</p>
<section id="methods"><h2>Methods<a class="headerlink" href="#methods" title="Permalink to this heading">¶</a></h2>
<dl class="py method"><dt class="sig sig-object py" id="pathlib.Path.read_text">"""
    """<span class="sig-prename descclassname"><span class="pre">Path.</span></span>"""
    """<span class="sig-name descname"><span class="pre">read_text</span></span><span class="sig-paren">(</span>"""
    """<em class="sig-param"><span class="n"><span class="pre">encoding</span></span><span class="o">"""
    """<span class="pre">=</span></span><span class="default_value"><span class="pre">None</span></span></em>"""
    """<span class="sig-paren">)</span><a class="headerlink" href="#pathlib.Path.read_text" """
    """title="Permalink to this definition">¶</a></dt>
<dd><p>Return the decoded contents of the pointed-to file as a string.</p></dd></dl>
</section></section></div></body></html>""")


def test_a_sphinx_api_entry_is_read_without_its_permalink_sign():
    # Python's library pages: every function and class read "Path.read_text(encoding=None)¶: Return …"
    article = extract("pathlib.html", SPHINX_API_PAGE.encode())
    entry = next(p for p in article.paragraphs if "read_text" in p)
    assert "¶" not in entry and entry.startswith("Path.read_text(encoding=None)")
    assert "Return the decoded contents of the pointed-to file as a string." in entry
    assert article.context[article.paragraphs.index(entry)] == "Methods"


FENCES_PAGE = """<html><head><title>Allocators</title></head><body><main><h1>Allocators</h1>
<p>Custom memory allocators are supported. The call <code class="computeroutput">bzalloc (
opaque, n, m )</code> is expected to return a pointer to <code class="computeroutput">n *
m</code> bytes of memory.</p>
<p>None of the following APIs provide a stability guarantee across major versions:</p>
<ul><li><p>the C++ APIs available via any of</p>
<pre><code>#include &lt;node.h&gt;
#include &lt;node_buffer.h&gt;</code></pre></li>
<li><p>the libuv APIs which are also included with the runtime</p></li></ul>
<h2>Building</h2>
<p>Addons are built with node-gyp, which writes a build directory next to the binding file.</p>
<p>Each addon must export an initialization function with the module registration macro.</p>
</main></body></html>"""


def test_code_a_line_of_text_runs_into_does_not_turn_the_rest_of_the_page_into_code():
    # trafilatura opens a fence at the end of a line of text; its closing fence then opened one,
    # and the rest of the page read code as text and text as code (Node.js's one-page manual,
    # bzip2's and valgrind's): "### Building" and "the libuv APIs" inside code paragraphs
    article = extract("alloc.html", FENCES_PAGE.encode())
    assert ("Custom memory allocators are supported. The call bzalloc ( opaque, n, m ) is expected to return "
            "a pointer to n * m bytes of memory.") in article.paragraphs
    assert not any("`" in p or "#" in p.replace("#include", "") for p in article.paragraphs)
    assert "Addons are built with node-gyp, which writes a build directory next to the binding file." \
        in article.paragraphs
    assert article.context[-1] == "Building"


# How mdBook (the Rust book, Cargo's guide) writes a snippet: the lines it hides ("boring") wrap
# the code in a main function that the reader never sees.
MDBOOK_PAGE = """<html><head><title>What Is Ownership? - The Rust Programming Language</title></head><body>
<main><h1>What Is Ownership?</h1>
<p>Ownership is a set of rules that govern how a Rust program manages memory while it is running.</p>
<p>You can create a <code>String</code> from a string literal using the <code>from</code> function, like so:</p>
<pre><pre class="playground"><code class="language-rust"><span class="boring">#![allow(unused)]
</span><span class="boring">fn main() {
</span>let s = String::from("hello");
<span class="boring">}</span></code></pre></pre>
<p>The double colon operator allows us to namespace this particular function under the String type.</p>
</main></body></html>"""


def test_mdbook_hidden_code_lines_are_not_read():
    text = "\n".join(extract("ownership.html", MDBOOK_PAGE.encode()).paragraphs)
    assert 'let s = String::from("hello");' in text
    assert "allow(unused)" not in text and "fn main" not in text


# How DocBook writes an FAQ (a qandaset; valgrind's FAQ): a contents list of links first, then
# each question and its answer as rows of a layout table.
DOCBOOK_FAQ = """<html><head><title>Valgrind Frequently Asked Questions</title></head><body><div class="article">
<h1>Valgrind Frequently Asked Questions</h1><div class="qandaset">
<dl><dt>1. <a href="faq.html#faq.background">Background</a></dt>
<dd>1.1. <a href="faq.html#faq.pronounce">How do you pronounce "Valgrind"?</a></dd>
<dd>1.2. <a href="faq.html#faq.whence">Where does the name "Valgrind" come from?</a></dd></dl>
<table summary="Q and A Div"><tr class="qandadiv"><td colspan="2"><h3 class="title">1. Background</h3></td></tr>
<tr class="question"><td><a name="faq.pronounce"></a><b>1.1.</b></td><td><b>How do you pronounce "Valgrind"?</b></td></tr>
<tr class="answer"><td></td><td><p>The "Val" as in the word "value". The "grind" is pronounced with a short 'i', as in
"grinned" rather than "grined".</p><p>Don't feel bad: almost everyone gets it wrong at first.</p></td></tr>
<tr class="question"><td><a name="faq.whence"></a><b>1.2.</b></td><td><b>Where does the name "Valgrind" come from?</b></td></tr>
<tr class="answer"><td></td><td><p>From Nordic mythology. Valgrind is the name of the main entrance to Valhalla, the hall
of the chosen slain in Asgard.</p></td></tr></table></div></div></body></html>"""


def test_an_faq_question_leads_its_answer_and_its_contents_list_is_dropped():
    paragraphs = extract("faq.html", DOCBOOK_FAQ.encode()).paragraphs
    assert paragraphs[0].startswith('How do you pronounce "Valgrind"? The "Val" as in the word "value".')
    assert any(p.startswith('Where does the name "Valgrind" come from? From Nordic mythology.') for p in paragraphs)
    assert sum("come from?" in p for p in paragraphs) == 1          # not also a contents line


# How Node.js's API pages note when a function came (a span, or a History table in <details>).
NODE_API_PAGE = """<html><head><title>Events | Node.js v20 Documentation</title></head><body>
<div id="column1" data-id="events" class="interior"><div id="apicontent">
<h2>Events<span><a class="mark" href="#events" id="events">#</a></span></h2>
<p>Much of the Node.js core API is built around an idiomatic asynchronous event-driven architecture in which
certain kinds of objects (called "emitters") emit named events that cause listener functions to be called.</p>
<h4><code>emitter.prependListener(eventName, listener)</code><span><a class="mark" href="#prepend" id="prepend">#</a></span></h4>
<div class="api_metadata"> <span>Added in: v6.0.0</span> </div>
<ul><li><code>eventName</code> The name of the event.</li><li><code>listener</code> The callback function</li></ul>
<p>Adds the <code>listener</code> function to the beginning of the listeners array for the event named
<code>eventName</code>. No checks are made to see if the listener has already been added.</p>
<h3><code>events.captureRejections</code><span><a class="mark" href="#capture" id="capture">#</a></span></h3>
<div class="api_metadata"><details class="changelog"><summary>History</summary><table><tbody>
<tr><th>Version</th><th>Changes</th></tr>
<tr><td>v17.4.0, v16.14.0</td><td><p>No longer experimental.</p></td></tr>
<tr><td>v13.4.0, v12.16.0</td><td><p><span>Added in: v13.4.0, v12.16.0</span></p></td></tr>
</tbody></table></details></div>
<p>Change the default <code>captureRejections</code> option on all new <code>EventEmitter</code> objects.</p>
</div></div></body></html>"""


def test_node_api_version_notes_lead_their_section_s_first_paragraph():
    paragraphs = extract("events.html", NODE_API_PAGE.encode()).paragraphs
    assert any(p.startswith("Added in: v6.0.0. Adds the listener function to the beginning") for p in paragraphs)
    assert any("Added in: v13.4.0, v12.16.0. v17.4.0, v16.14.0: No longer experimental. Change the default "
               "captureRejections option on all new EventEmitter objects." in p for p in paragraphs)


# How a hand-written page of 2005 is laid out (zlib's usage example): prose straight in the
# body, a <p> now and then as a separator, and the code in <pre><b>.
HAND_WRITTEN_PAGE = """<html><head><title>Lamp Usage Example</title></head><body>
<h2 align="center">Lamp Usage Example</h2>
We often get questions about how the <tt>lamp_on()</tt> and <tt>lamp_off()</tt> functions should
be used. Below is an annotated example of a small program that blinks a lamp.
<p>Without further ado, here is the program:
<pre><b>
/* blink.c: example of proper use of lamp_on() and lamp_off() */
#include &lt;stdio.h&gt;
#  include &lt;lamp.h&gt;
</b></pre><!-- -->
We now set the delay between blinks. A longer delay saves the bulb; the default of two seconds
suits most lamps, and anything under a tenth of a second makes the filament glow without blinking.
<pre><b>
#define DELAY 2
int *count;
</b></pre>
Last modified 11 December 2005
</body></html>"""


def test_text_written_straight_into_the_page_body_is_read_and_its_pre_blocks_as_code():
    paragraphs = extract("blink.html", HAND_WRITTEN_PAGE.encode()).paragraphs
    assert paragraphs[0].startswith("We often get questions about how the lamp_on() and lamp_off() functions")
    assert any(p.startswith("We now set the delay between blinks.") for p in paragraphs)
    code = next(p for p in paragraphs if "#define DELAY 2" in p)
    # the code's own paragraph, after the sentence that introduces it; no Markdown signs: "**", "\\*"
    assert code.startswith("We now set the delay between blinks.") and code.endswith(" #define DELAY 2 int *count;")
    assert any(p.endswith("#include <stdio.h> # include <lamp.h>") for p in paragraphs)


def test_a_long_listing_after_an_intro_is_a_paragraph_of_its_own():
    report = "\n".join(f"==123== at 0x{n:08X}: frame_{n} (prog.c:{n})" for n in range(60))
    page = (f"<html><body><p>Valgrind prints a report like this one when it finds an error:</p>"
            f"<pre>{report}</pre><p>Each line names one function of the call stack, innermost first.</p>"
            f"<p>Run it like this:</p><pre>valgrind --leak-check=yes\n  ./prog arg1</pre></body></html>")
    paragraphs = extract("report.html", page.encode()).paragraphs
    assert "Valgrind prints a report like this one when it finds an error:" in paragraphs
    assert any(p.startswith("==123== at 0x00000000: frame_0") for p in paragraphs)
    assert "Run it like this: valgrind --leak-check=yes ./prog arg1" in paragraphs


# How Sphinx writes a page: sections with their heading's words as id, links of class
# "reference", placeholders in italics inside inline code; a single-page manual opens on "Abstract".
SPHINX_PAGE = """<html><head><title>Lantern Policy 1.2 documentation</title></head><body>
<div class="body" role="main"><section id="abstract"><h1>Abstract<a class="headerlink" href="#abstract">¶</a></h1>
<p>This document describes how lanterns are packaged and which rules packaged lanterns follow.</p></section>
<section id="menus"><h2>Menus<a class="headerlink" href="#menus">¶</a></h2>
<p>The File menu opens, saves and closes lantern files; the Edit menu undoes the last change.</p>
<p><kbd class="kbd docutils literal notranslate"><kbd>C</kbd>-<kbd>Backspace</kbd></kbd> puts out the last lantern;
<kbd class="kbd docutils literal notranslate"><kbd>C</kbd>-<kbd>Del</kbd></kbd> puts out the next one.</p>
<section id="editing-and-navigation"><h3>Editing and navigation</h3>
<p>Arrow keys move between lanterns, and <a class="reference internal" href="#keys">the key bindings</a>
can be changed in the preferences.</p></section></section>
<section id="packages"><h2>Packages</h2>
<p>For any version, the main binary package must be called
<code class="samp docutils literal"><span class="pre">lantern</span><em><span class="pre">X</span></em><span class="pre">.</span><em><span class="pre">Y</span></em></code>,
as <a class="pep reference external" href="https://example.org/pep-0404/"><strong>PEP 404</strong></a> explains.</p></section>
RULES</div></body></html>""".replace("RULES", "".join(      # enough text that trafilatura reads it as a whole page
    f"<section id='rule-{i}'><h2>Rule {i}</h2>" + "".join(
        f"<p>Rule {i}.{j}: a packaged lantern of series {i} keeps its wick trimmed to {j} millimetres, and its glass "
        f"is cleaned before every lighting so that the flame can be seen from the far end of the quay.</p>"
        for j in range(1, 4)) + "</section>" for i in range(1, 6)))


def test_a_sphinx_page_keeps_its_sections_links_and_placeholders_and_its_title():
    article = extract("policy.html", SPHINX_PAGE.encode())
    assert article.title == "Lantern Policy 1.2 documentation"
    assert "The File menu opens, saves and closes lantern files; the Edit menu undoes the last change." \
        in article.paragraphs
    assert "C-Backspace puts out the last lantern; C-Del puts out the next one." in article.paragraphs
    assert ("Arrow keys move between lanterns, and the key bindings can be changed in the preferences."
            in article.paragraphs)
    assert ("For any version, the main binary package must be called lanternX.Y, as PEP 404 explains."
            in article.paragraphs)


# Python 3.11's *What's New*, as Sphinx writes it: list items that open with a cross-reference and
# hold two or three more short links, a contents list of links alone, and admonitions.
_NEW_MODULE = ('<li><p><a class="reference internal" href="../library/{0}.html#module-{0}"><code class="xref py '
               'py-mod docutils literal notranslate"><span class="pre">{0}</span></code></a>: {1} See '
               '<a class="pep reference external" href="https://peps.python.org/pep-0{2}/"><strong>PEP {2}</strong></a>'
               ' for more details. (Contributed by {3} in <a class="reference external" '
               'href="https://bugs.python.org/issue?bpo={4}">bpo-{4}</a>.)</p></li>\n')
WHATS_NEW_PAGE = ("""<html><head><title>What's New In Lantern 3.11</title></head><body><div class="body" role="main">
<section id="whats-new"><h1>What's New In Lantern 3.11</h1>
<ul><li class="toctree-l1"><a class="reference internal" href="#new-modules">New Modules</a></li>
<li class="toctree-l1"><a class="reference internal" href="#improved-modules">Improved Modules</a></li></ul>
<section id="new-modules"><h2>New Modules</h2><ul class="simple">"""
                  + _NEW_MODULE.format("wicklib", "For parsing wick files.", 680, "Taneli Lamp", 40059)
                  + _NEW_MODULE.format("glass.types", "Glass-specific types for static type checking.", 333,
                                       "Sebastian Wick", 42012)
                  + """</ul></section><section id="improved-modules"><h2>Improved Modules</h2>
<div class="admonition note"><p class="admonition-title">Note</p>
<p>Plain lanterns always evaluate as lit.</p></div>
<div class="admonition seealso"><p class="admonition-title">See also</p>
<dl class="simple"><dt>Module <a class="reference internal" href="glass.html">glass</a></dt>
<dd><p>Useful example of a lantern that keeps its glass clean.</p></dd></dl></div>
RULES</section></section></div></body></html>""").replace("RULES", "".join(
    f"<p>Rule {i}: a packaged lantern of series {i} keeps its wick trimmed to {i} millimetres, and its glass "
    f"is cleaned before every lighting so that the flame can be seen from the far end of the quay.</p>"
    for i in range(1, 12)))


def test_a_sphinx_list_item_of_short_cross_references_is_text_and_admonitions_lead_their_text():
    paragraphs = extract("3.11.html", WHATS_NEW_PAGE.encode()).paragraphs
    # trafilatura had taken these items for navigation (short links only) and dropped them
    assert ("wicklib: For parsing wick files. See PEP 680 for more details. (Contributed by Taneli Lamp in "
            "bpo-40059.)") in paragraphs
    assert any(p.startswith("glass.types: Glass-specific types") for p in paragraphs)
    assert "Note: Plain lanterns always evaluate as lit." in paragraphs
    assert "See also: Module glass: Useful example of a lantern that keeps its glass clean." in paragraphs
    # a link alone in its item (the page's contents) is still not text; nor is an admonition's title alone
    assert not any(p in ("New Modules", "Improved Modules", "Note", "See also") for p in paragraphs)


# How Texinfo writes a manual as one page (GNU time's, nettle's): each node opens with a bar of
# links, and a node with subsections lists them in a "menu" table.
_MENU_ROW = ('<tr><td align="left" valign="top">&bull; <a href="#{0}" accesskey="1">{0}</a></td><td>&nbsp;&nbsp;</td>'
             '<td align="left" valign="top">{1}\n</td></tr>\n')
TEXINFO_PAGE = ("""<html><head><title>Lamplighter</title></head><body>
<div class="header"><p>Next: <a href="#Overview" accesskey="n" rel="next">Overview</a>
&nbsp; [<a href="#SEC_Contents" rel="contents">Contents</a>][<a href="#Index" rel="index">Index</a>]</p></div>
<h1 class="top">Lamplighter</h1>
<p>This manual documents lamplighter, a program that lights the lamps of a street at dusk.</p>
<table class="menu" border="0" cellspacing="0">"""
                + "".join(_MENU_ROW.format(node, what) for node, what in [
                    ("Overview", "What is lamplighter?"), ("Wicks", "For the serious lamp hacker."),
                    ("Trimming", "How short a wick should be."), ("Lighting", "When the lamps are lit."),
                    ("Index", "Function and concept index.")])
                + """</table>
<div class="header"><p>Next: <a href="#Wicks" rel="next">Wicks</a>, Previous: <a href="#Top" rel="prev">Top</a>,
Up: <a href="#Top" rel="up">Top</a> &nbsp; [<a href="#SEC_Contents" rel="contents">Contents</a>][<a href="#Index"
rel="index">Index</a>]</p></div>
<h2 class="chapter">1 Overview</h2>
<p>Lamplighter is a program that lights every lamp of a street when the sun sets, one after another.</p>
</body></html>""")


def test_texinfo_node_links_and_menus_are_not_paragraphs():
    paragraphs = extract("lamplighter.html", TEXINFO_PAGE.encode()).paragraphs
    assert paragraphs == ("This manual documents lamplighter, a program that lights the lamps of a street at dusk.",
                          "Lamplighter is a program that lights every lamp of a street when the sun sets, one after "
                          "another.")


# Excerpts of Python 3.11's documentation sources (Doc/howto/sorting.rst, Doc/library/functions.rst),
# markup as Sphinx reads it: roles, Sphinx directives, a docinfo field list, a label.
SORTING_RST = """.. _sortinghowto:

Sorting HOW TO
**************

:Author: Andrew Dalke and Raymond Hettinger
:Release: 0.1


Python lists have a built-in :meth:`list.sort` method that modifies the list
in-place.  There is also a :func:`sorted` built-in function that builds a new
sorted list from an iterable.

Sorting Basics
==============

A simple ascending sort is very easy: just call the :func:`sorted` function. It
returns a new sorted list:

.. doctest::

    >>> sorted([5, 2, 3, 1, 4])
    [1, 2, 3, 4, 5]

.. class:: bool(x=False)

   Return a Boolean value, i.e. one of ``True`` or ``False``.  *x* is converted
   using the standard :ref:`truth testing procedure <truth>`.

   .. index:: pair: Boolean; type

   .. versionchanged:: 3.7
      *x* is now a positional-only parameter.

.. seealso:: :pep:`PEP 594 <594#aifc>` for details.

.. note::

   Sorts are guaranteed to be :term:`stable <stability>`.
"""


def test_restructuredtext_reads_its_title_sections_and_sphinx_markup_as_text():
    # read as plain text, as before, the markup stayed: ":meth:`list.sort`", ".. doctest::" and
    # ".. _sortinghowto:" as paragraphs, and the file's name as the title
    for name in ("sorting.rst", "sorting.rst.txt"):          # Sphinx's _sources/ name it .rst.txt
        article = extract(name, SORTING_RST.encode())
        assert article.title == "Sorting HOW TO" and article.details.author == "Andrew Dalke, Raymond Hettinger"
        text = "\n".join(article.paragraphs)
        assert not re.search(r":\w+:`|\.\. |``|\*x\*|<truth>", text), text
        assert article.paragraphs[1].startswith("Python lists have a built-in list.sort method")
        found = dict(zip(article.paragraphs, article.context))
        assert found["A simple ascending sort is very easy: just call the sorted function. It returns a new sorted "
                     "list: >>> sorted([5, 2, 3, 1, 4]) [1, 2, 3, 4, 5]"] == "Sorting Basics"
        assert any(p.startswith("bool(x=False): Return a Boolean value") for p in article.paragraphs)
        assert "Changed in version 3.7: x is now a positional-only parameter." in article.paragraphs
        assert any(p.startswith("PEP 594") and "for details" in p for p in article.paragraphs)
        assert "Note: Sorts are guaranteed to be stable." in article.paragraphs


def test_restructuredtext_reads_no_file_and_no_raw_html_and_leaves_docutils_as_it_was():
    from docutils.parsers.rst import directives, roles
    before = (dict(roles._roles), dict(directives._directives))
    source = ("Title\n=====\n\nFirst paragraph.\n\n.. include:: /etc/passwd\n\n"
              ".. raw:: html\n\n   <script>alert(1)</script>\n\n.. class:: Widget(x)\n\n   A widget.\n")
    article = extract("unsafe.rst", source.encode())
    text = "\n".join(article.paragraphs)
    assert "First paragraph." in text and "root:" not in text and "alert" not in text
    assert (dict(roles._roles), dict(directives._directives)) == before     # the next document reads as docutils does
    plain = extract("plain.rst", b"Plain\n=====\n\n.. class:: special\n\nA paragraph with a class.\n")
    assert plain.paragraphs == ("A paragraph with a class.",)
    nested = "".join(" " * depth + f"level {depth}\n\n" for depth in range(600))
    with pytest.raises(QAError, match="could not be read as reStructuredText .its blocks nest too deep"):
        extract("deep.rst", nested.encode())
