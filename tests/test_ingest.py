import pytest

from qa import QAError
from qa.extract import read_file as read_article
from qa.ingest import article_from_document_text, article_from_text, clean_title_line, split_sentences

TITLE = "The Genie’s Out of the Bottle after Kiev’s Turkish Drones Strike Donbass"


def test_seed_article_title_has_no_site_name_or_header_junk(seed_path):
    article = read_article(seed_path)
    assert article.title == TITLE


def test_seed_article_has_four_body_paragraphs_in_order_without_the_repeated_title(seed_path):
    paragraphs = read_article(seed_path).paragraphs
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Now that Kiev is in possession")
    assert paragraphs[1].startswith("I wrote earlier this summer")
    assert paragraphs[2].startswith("Turkey’s “drone diplomacy”")
    assert paragraphs[3].startswith("President Erdogan is practicing")
    assert not any("X-Frame-Options" in p or "WHAT REALLY HAPPENED" in p or p == TITLE for p in paragraphs)


def test_open_text_makes_every_block_a_paragraph_and_guesses_no_title():
    article = article_from_text("A short headline\n\nFirst body.\n\nSecond body.")
    assert article.title == ""
    assert article.paragraphs == ("A short headline", "First body.", "Second body.")


def test_line_wrapped_paragraphs_are_rejoined_and_whitespace_normalised():
    article = article_from_text("one  line\nwrapped\there\n \n\n\n second\r\n block ")
    assert article.paragraphs == ("one line wrapped here", "second block")


def test_title_line_loses_trailing_site_name_and_http_headers():
    assert clean_title_line("Big News Today | Example Site Content-Type: text/html") == "Big News Today"
    assert clean_title_line("Plain headline") == "Plain headline"


def test_a_first_block_ending_in_a_full_stop_is_a_paragraph_not_a_title():
    article = article_from_document_text("This is a sentence.\n\nAnother one.", fallback_title="notes")
    assert article.title == "notes"
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize("text", ["", "   \n\n\t \n"])
def test_empty_text_is_a_clear_error(text):
    with pytest.raises(QAError, match="empty"):
        article_from_text(text)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(QAError, match="No such file"):
        read_article(tmp_path / "nope.txt")


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    with pytest.raises(QAError, match="binary"):
        read_article(path)


def test_sentences_split_on_boundaries_but_not_abbreviations():
    assert split_sentences("Dr. Smith went to Washington. He left! Did he?") == [
        "Dr. Smith went to Washington.", "He left!", "Did he?"]


def test_a_question_mark_the_text_goes_on_from_does_not_end_the_sentence():
    row = "Release: 1.6; Year: 2000; Owner: CNRI; GPL-compatible? (1): no"
    assert split_sentences(row) == [row]
    assert split_sentences("She asked why? and left. Is it safe? (See below.) Yes.") == [
        "She asked why? and left.", "Is it safe?", "(See below.) Yes."]


def test_a_full_stop_standing_alone_before_lower_case_names_the_character_or_a_path():
    # Node.js's path.md: the evidence read "… from the last occurrence of the ." and a
    # manual's "run the ./configure script" was cut at "the ."
    extname = ("The path.extname() method returns the extension of the path, from the last occurrence "
               "of the . (period) character to end of string. If there is no . in it, it returns ''.")
    assert split_sentences(extname) == [extname[:extname.index(" If")], "If there is no . in it, it returns ''."]
    assert split_sentences("Build it with the usual ./configure && make. Then test it.") == [
        "Build it with the usual ./configure && make.", "Then test it."]
    # a stray space before a sentence's own stop (SQuAD's text has it) still ends it
    assert split_sentences("It is run by the Department of Education . Students pay no fees.") == [
        "It is run by the Department of Education .", "Students pay no fees."]


def test_a_list_of_names_read_as_one_paragraph_has_each_name_as_a_sentence():
    # tzlocal's README: its contributors are one paragraph (extract._short_items); "Is Edward Betts
    # one of them?" was declined at 0.05 with the whole list as its one evidence sentence
    names = "Marc Van Olmen; Benjamen Meyer; Manuel Ebert; Edward Betts"
    assert split_sentences(names) == ["Marc Van Olmen", "Benjamen Meyer", "Manuel Ebert", "Edward Betts"]
    for kept in ("Release: 1.6; Derived from: 1.5.2; Year: 2000; Owner: CNRI",     # a table row's fields
                 "I came; I saw; I conquered.",                                    # prose
                 "const a = 1; const b = 2; console.log(a + b)",                   # code
                 "Bash; Zsh"):                                                     # two items only
        assert split_sentences(kept) == [kept]


def test_a_number_and_a_closing_bracket_inside_a_sentence_do_not_start_one():
    # sentencex takes "9999999)" for a list marker: Python's Design FAQ showed the evidence
    # "9999999) * 1001 + i except Exception: …", and SQuAD's "tetraoxygen (O" / "4) was …"
    code = ("def __hash__(self): l = self.the_list result = 98767 - len(l)*555 for i, el in enumerate(l): "
            "try: result = result + (hash(el) % 9999999) * 1001 + i except Exception: "
            "result = (result % 7777777) + i * 333 return result")
    assert split_sentences(code) == [code]
    ozone = "The metastable molecule tetraoxygen (O4) was discovered in 2001. It is short-lived."
    assert split_sentences(ozone) == [ozone[:ozone.index(" It")], "It is short-lived."]
    # nor does a closing quote after "?" end the sentence when the text goes on in lower case
    assert split_sentences("For the '?' format character, the return value is either True or False.") == [
        "For the '?' format character, the return value is either True or False."]
    # a list after a colon, and a numbered item after a full stop, still split
    assert split_sentences("It differs in two aspects: (a) We use zero-based indexing. (b) Pop returns the least.") == [
        "It differs in two aspects:", "(a) We use zero-based indexing.", "(b) Pop returns the least."]
    assert split_sentences("Do this first. 2) Then do that.") == ["Do this first.", "2) Then do that."]


def test_a_dotted_name_is_not_cut_at_its_dots():
    # Python 3.11's What's New: the evidence for "What's new in asyncio?" read "Added the asyncio."
    item = "Added the asyncio.StreamWriter.start_tls() method for upgrading connections to TLS. (Contributed by Ian Good.)"
    assert split_sentences(item) == [item[:item.index(" (")], "(Contributed by Ian Good.)"]
    assert split_sentences("class mailbox.MHMessage(message=None): A message with MH-specific behaviors.") == [
        "class mailbox.MHMessage(message=None): A message with MH-specific behaviors."]
    assert split_sentences("It ended at 5 p.m. Then it rained.") == ["It ended at 5 p.m.", "Then it rained."]


def test_a_plain_text_list_loses_its_bullets_and_its_items_stay_with_their_block():
    # git's release notes (RelNotes/2.38.0.txt) and util-linux's modems-with-agetty.txt: every
    # paragraph and evidence sentence had opened with "* ", nested items read "… arguments: * -w …"
    text = ("Git v2.38 Release Notes\n=======================\n\nUI, Workflows & Features\n\n"
            " * \"git grep -m<max-hits>\" is a way to limit the hits shown per file.\n\n"
            " * \"git push\" sometimes performs poorly when reachability bitmaps are\n"
            "   used.  The push.useBitmaps configuration variable is introduced\n"
            "   to allow disabling use of reachability bitmaps only for \"git push\".\n\n"
            "* Run agetty on the appropriate ttySn port with the arguments:\n"
            "\t* -w to wait for a CR or LF before writing the /etc/issue message\n"
            "\t* computer/modem bitrate\n\t* the tty name.\n\n"
            "Overnight the temperature fell to\n- 5 degrees, and the roads froze.\n")
    article = article_from_document_text(text)
    assert article.title == "Git v2.38 Release Notes"
    assert article.paragraphs == (
        '"git grep -m<max-hits>" is a way to limit the hits shown per file.',
        '"git push" sometimes performs poorly when reachability bitmaps are used. The push.useBitmaps '
        'configuration variable is introduced to allow disabling use of reachability bitmaps only for "git push".',
        "Run agetty on the appropriate ttySn port with the arguments: -w to wait for a CR or LF before "
        "writing the /etc/issue message; computer/modem bitrate; the tty name.",
        "Overnight the temperature fell to - 5 degrees, and the roads froze.")
    # the short line over the list is its heading, the section of the items under it
    assert article.context[:2] == ("UI, Workflows & Features",) * 2


def test_a_line_that_introduces_a_list_is_not_its_heading():
    # util-linux's modems-with-agetty.txt, its bullet taken off: a sentence cut before the list,
    # and a long one (a short one that ends in a content word reads as a heading: accepted)
    text = ("Modems\n\nUse kermit or minicom to initialize the modem to\n\n\t- be entirely quiet.\n"
            "\t- enable auto-answer.\n\nThe following changes were made to the build in this release\n\n* the options given\n\n"
            "Then initialize the modem with\n\n - AT E0 Q1 &D2 &C1 S0=1 &W0\n")
    article = article_from_document_text(text)
    assert article.paragraphs == ("Use kermit or minicom to initialize the modem to",
                                  "be entirely quiet. enable auto-answer.",
                                  "The following changes were made to the build in this release",
                                  "the options given", "Then initialize the modem with", "AT E0 Q1 &D2 &C1 S0=1 &W0")
    assert not any(article.context)


def test_plain_text_underlined_headings_are_the_title_and_sections_not_paragraphs():
    from qa.extract import extract

    news = ("What's New in IDLE 3.13.0\n(since 3.12.0)\n=========================\n\n"
            "gh-120083: Add an explicit black Hovertip foreground colour for recent macOS.\n\n"
            "\nWhat's New in IDLE 3.8.0\n(since 3.7.0)\nReleased on 2019-10-14\n=========================\n\n"
            "bpo-17535: Add optional line numbers for IDLE editor windows.\n\n"
            "----------\n\n"
            "bpo-35196: Speed up squeezer line counting.\n\n"
            "What's New in IDLE 3.4.0?\n=========================\n*Release date: 2014-03-16*\n\n"
            "Display the Python version on the title bar.\n-----\n")
    article = extract("NEWS.txt", news.encode())
    assert article.title == "What's New in IDLE 3.13.0 (since 3.12.0)"
    assert article.paragraphs == ("gh-120083: Add an explicit black Hovertip foreground colour for recent macOS.",
                                  "bpo-17535: Add optional line numbers for IDLE editor windows.",
                                  "bpo-35196: Speed up squeezer line counting.",
                                  "*Release date: 2014-03-16*",           # under its heading, in the same block
                                  "Display the Python version on the title bar.")    # a sentence over a rule
    # three lines over the rule, after three blank lines (IDLE's News3.txt: a blank line was counted)
    idle38, idle34 = "What's New in IDLE 3.8.0 (since 3.7.0) Released on 2019-10-14", "What's New in IDLE 3.4.0?"
    assert article.context == ("", idle38, idle38, idle34, idle34)


def test_text_written_one_paragraph_per_line_has_a_paragraph_per_line():
    # what a word processor or a browser's copy gives, and what many editors save: no blank lines
    text = ("Storm floods harbour town\n"
            "Two trawlers sank at their moorings when the storm surge reached the harbour on Sunday night. "
            "The harbour master said it was the highest surge since 1953.\n"
            "The Anchor Inn on Quay Street was flooded to a depth of a metre and will stay closed for months.\n"
            "The council has promised a new sea wall, to be started in March at a cost of four million pounds.\n")
    document = article_from_document_text(text)
    assert document.title == "Storm floods harbour town"
    assert [p[:12] for p in document.paragraphs] == ["Two trawlers", "The Anchor I", "The council "]
    assert len(article_from_text(text).paragraphs) == 4


def test_wrapped_lines_and_code_stay_one_paragraph_even_when_a_line_is_long():
    # requests' quickstart: a wrapped paragraph whose second line is long with links and ends it
    wrapped = ("The br transfer-encoding is automatically decoded for you if a Brotli library\n"
               "like brotli <https://pypi.org/project/brotli> or brotlicffi <https://pypi.org/project/brotlicffi> "
               "is installed.")
    command = ("aws emr create-cluster \\\n    --release-label emr-5.14.0 \\\n"
               "    --ec2-attributes InstanceProfile=EMR_EC2_DefaultRole,SubnetIds=['subnet-ab12345c','subnet-de67890f'] \\\n"
               "    --instance-groups InstanceGroupType=MASTER,InstanceCount=1,InstanceType=m4.large InstanceGroupType=CORE")
    # IDLE's NEWS: a list item wrapped under its bullet, its first line ending a sentence
    item = ("- Issue #21192: Idle editor. When a file is run, put its name in the restart bar.\n"
            "  Do not print false prompts. Original patch by Adnan Umer.")
    # SQuAD's Oxygen article: a subscript scraped onto its own line ("O" / "2 from the air …")
    oxygen = ("Uptake of O\n2 from the air is the essential purpose of respiration, so oxygen supplementation "
              "is used in medicine.")
    assert len(article_from_text(f"{wrapped}\n\n{command}\n\n{item}\n\n{oxygen}").paragraphs) == 4


GUTENBERG = """The Project Gutenberg eBook of The Lighthouse Keeper

This eBook is for the use of anyone anywhere in the United States and most other parts of the world.

Title: The Lighthouse Keeper

Author: Margaret Quill

Release date: May 1, 2004 [eBook #12345]

*** START OF THE PROJECT GUTENBERG EBOOK THE LIGHTHOUSE KEEPER ***

THE LIGHTHOUSE KEEPER

CONTENTS

 CHAPTER I.     The Storm
 CHAPTER II.    The Rescue
 CHAPTER III.   The Inquiry

CHAPTER I.

The Storm

The storm broke over Gull Rock on the night of the ninth of November, and by midnight the
lamp had been lit for six hours.

CHAPTER II.

The Rescue

At dawn the keeper rowed out to the schooner and brought eleven sailors back to the rock.

*** END OF THE PROJECT GUTENBERG EBOOK THE LIGHTHOUSE KEEPER ***

Section 1. General Terms of Use and Redistributing Project Gutenberg electronic works. The licence
runs to some three thousand words.
"""


def test_a_project_gutenberg_book_loses_the_licence_and_reads_its_chapters_as_sections():
    article = article_from_document_text(GUTENBERG)
    assert article.title == "The Lighthouse Keeper"
    assert [p[:30] for p in article.paragraphs] == ["The storm broke over Gull Rock", "At dawn the keeper rowed out t"]
    assert article.context == ("CHAPTER I. The Storm", "CHAPTER II. The Rescue")


def test_a_manual_page_s_capital_headings_are_sections_not_paragraphs():
    page = ("TAR(1)                GNU TAR Manual                TAR(1)\n\n"
            "NAME\n       tar - an archiving utility\n\n"
            "DESCRIPTION\n       GNU tar saves many files together into a single tape or disk archive,\n"
            "       and can restore individual files from the archive.\n\n"
            "   Option styles\n       Options can be given in three styles, which can be lo\u2010\n       cated anywhere.\n\n"
            "SEE ALSO\n\n       bzip2(1), compress(1), gzip(1).\n\n"
            "TAR                           July 13, 2020                           TAR(1)\n")
    article = article_from_document_text(page)
    assert article.paragraphs == ("tar - an archiving utility", "GNU tar saves many files together into a single tape "
                                  "or disk archive, and can restore individual files from the archive.",
                                  "Options can be given in three styles, which can be located anywhere.",
                                  "bzip2(1), compress(1), gzip(1).")
    assert article.context == ("NAME", "DESCRIPTION", "DESCRIPTION › Option styles", "SEE ALSO")
    assert article.title == "tar - an archiving utility"


LICENCE = """                    THE HARBOUR SOFTWARE LICENCE
                        Version 2, May 2021

                            Preamble

  This licence lets you share and change the software.

  0. Definitions.

  "The Program" refers to any work licensed under this Licence.

  2. Grants and Conditions

  2.1. Grants

  You may copy the Program.

  14. Revised Versions of this Licence.

  The Harbour Trust may publish new versions of this Licence.

  1. Preheat the oven.

SPELLING:
        HarbourSoft

            How to Apply These Terms to Your New Programs

  Attach the following notices to the program."""


def test_a_licence_s_centred_lines_and_numbered_section_titles_are_sections_not_paragraphs():
    # the GPL's shape (/usr/share/common-licenses): "Preamble" and "How to Apply These Terms to
    # Your New Programs" centred, "12. No Surrender of Others' Freedom." alone over its text; they
    # were paragraphs, cited as answers ("How do I apply these terms?" cited the heading alone)
    article = article_from_document_text(LICENCE)
    assert article.paragraphs == (
        "This licence lets you share and change the software.",
        '"The Program" refers to any work licensed under this Licence.',
        "You may copy the Program.",
        "The Harbour Trust may publish new versions of this Licence.",
        "1. Preheat the oven.",                        # a list item: a sentence, not a title
        "HarbourSoft",                                 # indented under its own heading line, not centred
        "Attach the following notices to the program.")
    assert article.context == ("Preamble", "0. Definitions", "2. Grants and Conditions › 2.1. Grants",
                               "14. Revised Versions of this Licence", "14. Revised Versions of this Licence",
                               "SPELLING:", "How to Apply These Terms to Your New Programs")


def test_a_line_opening_with_a_capital_c_or_i_is_not_a_chapter_that_swallows_what_follows():
    # numba's guide: "C and Numba ABI examples" read as chapter "C" and the lines after it as its title
    text = ("Guide\n\nC and Numba ABI examples\n\nInstallation\n\nEnabling MVC Support\n\n"
            "The toolkit is installed with conda, which also installs the driver.")
    assert article_from_document_text(text).paragraphs == (
        "C and Numba ABI examples", "Installation", "Enabling MVC Support",
        "The toolkit is installed with conda, which also installs the driver.")


PLAIN_TABLE = """Release history

All releases are open source; the table below lists them.

    Release         Derived     Year        Owner       GPL-
                    from                                compatible?

    0.9.0 thru 1.2              1991-1995   CWI         yes
    1.6             1.5.2       2000        CNRI        no
    2.0             1.6         2000        BeOpen.com  no
    2.1.1           2.1+2.0.1   2001        PSF         yes

Status codes:

    Code   Meaning              Retry
    ----   -------------------  -----
    200    The request worked   no
    503    The server is busy,  yes
           try again later
    404    Nothing is there     no

a.  Support for key `subsequences':  allows, e.g., ESC and ESC-a to both
    be bound to readline functions.  Now the arrow keys may be used in vi
    insert mode.

    int main(void) {
        int width    = 10;   /* aligned   */
        int height   = 20;   /* comments  */
    }
"""


def test_a_table_aligned_by_hand_keeps_its_two_line_header_as_labels():
    # dpkg's triggers spec: "Awaited" sits one place left of its column, "Satisfies" runs past
    # the next column's start, and the header's first line was read as a subheading over
    # "triggers triggers Depends"; the rows read "unpacked; never; maybe; No; postinst configure"
    text = """Details - Overview table
------------------------

  Status      Pending   Awaited   Satisfies  Remedy
              triggers  triggers  Depends

  unpacked    never      maybe    No    postinst configure
  t.-awaited  yes        always   No    postinst triggered + fix awaited pkg(s)
  t.-pending  always     never    Yes   postinst triggered

The table above lists every status a package can be in while triggers are processed.
"""
    assert article_from_document_text(text).paragraphs == (
        "Status: unpacked; Pending triggers: never; Awaited triggers: maybe; Satisfies Depends: No; "
        "Remedy: postinst configure",
        "Status: t.-awaited; Pending triggers: yes; Awaited triggers: always; Satisfies Depends: No; "
        "Remedy: postinst triggered + fix awaited pkg(s)",
        "Status: t.-pending; Pending triggers: always; Awaited triggers: never; Satisfies Depends: Yes; "
        "Remedy: postinst triggered",
        "The table above lists every status a package can be in while triggers are processed.")


def test_a_plain_text_table_reads_as_a_labelled_paragraph_per_row():
    # the Python licence's release table ran into one paragraph: "0.9.0 thru 1.2 1991-1995 CWI yes 1.6 …"
    paragraphs = article_from_document_text(PLAIN_TABLE).paragraphs
    assert "Release: 1.6; Derived from: 1.5.2; Year: 2000; Owner: CNRI; GPL-compatible?: no" in paragraphs
    assert "Release: 0.9.0 thru 1.2; Year: 1991-1995; Owner: CWI; GPL-compatible?: yes" in paragraphs
    assert not any(p.startswith("Release Derived") for p in paragraphs)          # the header is the labels
    assert "Code: 503; Meaning: The server is busy, try again later; Retry: yes" in paragraphs   # a wrapped cell
    # a list item's hanging indent and double spaces, or aligned code, are not tables
    assert any(p.startswith("a. Support for key") and p.endswith("insert mode.") for p in paragraphs)
    assert any(p.startswith("int main(void) {") for p in paragraphs)
