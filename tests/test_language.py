"""An article not in English: told apart, its answers hedged, and the page says why."""

import pytest

from qa import answerability
from qa.answerability import Level
from qa.language import english_probability
from qa.settings import Settings

# Written for these tests (not the texts the floor was chosen on: qa/language.py).
FRENCH = ["Le pont de Valmont a été construit en 1872 par la compagnie des chemins de fer de l'Est, pour "
          "relier le village à la gare de Chaumont.",
          "Pendant la guerre, le pont fut détruit par les troupes qui se retiraient vers le sud, puis reconstruit "
          "en béton armé au cours de l'année 1921.",
          "Aujourd'hui, le pont est classé monument historique et les cyclistes le traversent chaque été."]
GERMAN = ["Die Brücke über die Lahn wurde im Jahr 1872 von der Eisenbahngesellschaft gebaut, damit das Dorf "
          "endlich einen Anschluss an den Bahnhof bekam.",
          "Im Krieg wurde sie von den abziehenden Truppen gesprengt und danach aus Stahlbeton neu errichtet."]
CHINESE = ["这座桥建于一八七二年，由铁路公司修建，把村庄和火车站连接起来。", "战争期间，桥被撤退的军队炸毁，后来用钢筋混凝土重建。"]
ENGLISH = ["The Valmont bridge was built in 1872 by the Eastern railway company, to link the village to the "
           "station at Chaumont.",
           "During the war the bridge was blown up by retreating troops, and it was rebuilt in reinforced "
           "concrete in 1921."]


@pytest.mark.parametrize("paragraphs, english", [(ENGLISH, True), (FRENCH, False), (GERMAN, False), (CHINESE, False)],
                         ids=["english", "french", "german", "chinese"])
def test_an_article_s_language_is_told_from_its_text(paragraphs, english):
    assert (english_probability(paragraphs) >= Settings().english_floor) == english


def test_an_answer_from_an_article_not_in_english_is_hedged_never_sure(fresh_engine, seed_doc):
    doc = fresh_engine.open_text("\n\n".join(FRENCH), title="Le pont de Valmont")
    assert not doc.english and seed_doc.english
    answer = doc.ask("Quand le pont de Valmont a-t-il été construit par la compagnie des chemins de fer?")
    assert answer.citations[0].paragraph == 1
    # its probability alone would make it a plain answer; the article's language hedges it
    assert answerability.load_model().level(answer.probability) is Level.ANSWERED
    assert answer.level == "closest" and not answer.abstained
