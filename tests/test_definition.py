"""What a "What is X?" question asks about, and which sentences define it (no model needed)."""

import pytest

from qa import definition


@pytest.mark.parametrize("question, subject", [
    ("What is Nettle?", "Nettle"),
    ("what's a slice", "slice"),
    ("Who was Philip I?", "Philip I"),
    ("What are worker threads?", "worker threads"),
    ("What is the immune system?", "immune system"),
    ("What does Memcheck do?", "Memcheck"),
    ('What does "covered work" mean?', "covered work"),
    ("What does DST stand for?", "DST"),
    ("What is meant by interior mutability?", "interior mutability"),
    ("Define a crate.", "crate"),
])
def test_the_subject_of_a_what_is_question_loses_its_article(question, subject):
    assert definition.subject(question) == subject


@pytest.mark.parametrize("question", [
    "What is it?",                                      # points back: the chat decides
    "What is that one?",
    "What does it do?",
    "What does the council plan to do?",                # ends in a preposition: no term
    "What is the museum famous for?",
    "How is Nettle licensed?",                          # not a "what is" question
    "What is the name of the stadium where the final was played?",   # too long to be a term
])
def test_other_questions_have_no_subject(question):
    assert definition.subject(question) is None


@pytest.mark.parametrize("subject, sentence", [
    ("Nettle", "Nettle is a cryptographic library that is designed to fit easily in any context."),
    ("Ninja", "Ninja is yet another build system."),
    ("IDLE", "IDLE is Python’s Integrated Development and Learning Environment."),
    ("Nettle library", "The Nettle library (libnettle) is one of two libraries shipped."),
    ("Nettle", "Nettle, a library from the GNU project, is the default."),
    ("Nettle", "Nettle refers to the variant with variable key size."),
    ("package", "A package is: a) a folder containing a program described by a package.json file"),
    ("worker threads", "Worker threads are the way to run JavaScript in parallel."),
    ("hash function", "A cryptographic hash function is a function that maps strings to short strings."),
    ("covered work", 'A "covered work" means either the unmodified Program or a work based on it.'),
    ("Licensor", '"Licensor" shall mean the copyright owner or entity granting the License.'),
])
def test_a_sentence_opening_with_the_subject_and_a_copula_defines_it(subject, sentence):
    assert definition.defining([sentence], definition.pattern(subject)) == [0]


@pytest.mark.parametrize("subject, sentence", [
    # Python's Unicode HOWTO and Descriptor guide (the documentation fit set's first questions)
    ("character encoding", "The rules for translating a Unicode string into a sequence of bytes are called a "
                           "character encoding, or just an encoding."),
    ("descriptor", "A descriptor is what we call any object that defines __get__(), __set__(), or __delete__()."),
    ("soft keywords", "These are known as “soft keywords”."),
    ("finalizer", "This is also called a finalizer or (improperly) a destructor."),
])
def test_a_sentence_that_names_the_subject_after_describing_it_defines_it(subject, sentence):
    assert definition.defining([sentence], definition.pattern(subject)) == [0]


def test_a_name_that_goes_on_or_a_call_does_not_define_the_subject():
    sentences = ["The patterns programmed into Rust’s analysis of references are called the lifetime elision rules.",
                 "The handler is called with the exception instance.",       # "called" as in invoked
                 "This is called a lossless encoding.",                      # a kind of it, not it
                 "Lifetimes are known as regions in the literature."]
    assert definition.defining(sentences, definition.pattern("lifetime")) == []
    assert definition.defining(sentences, definition.pattern("encoding")) == []
    assert definition.defining(sentences, definition.pattern("handler")) == []


def test_a_sentence_that_only_says_something_about_the_subject_does_not_define_it():
    pattern = definition.pattern("Valgrind")
    sentences = ["Valgrind is closely tied to details of the CPU.",          # no noun phrase after "is"
                 "For the direct dependency on Valgrind, link with -lvalgrind.",   # not its subject
                 "Valgrinding is what users call it.",                        # another word
                 "Callgrind is a Valgrind tool for profiling.",               # defines something else
                 "A Fast Valgrind is a dream.",                               # a name, not a modifier
                 "The classic Valgrind is the one in this manual.",           # one of them, not what it is
                 "Valgrind is an instrumentation framework for building dynamic analysis tools."]
    assert definition.defining(sentences, pattern) == [6]


@pytest.mark.parametrize("subject, head", [
    ("pad in curses", "pad"),
    ("namespace in Python", "namespace"),
    ("Nettle", None),
    ("immune system", None),
])
def test_a_subject_asked_in_a_scope_has_a_head_to_fall_back_on(subject, head):
    assert definition.head(subject) == head
