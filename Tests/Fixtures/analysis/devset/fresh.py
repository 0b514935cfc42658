#!/usr/bin/env python3
"""Writes the fresh analysis check set (../fresh-en.txt, ../fresh-tr.txt) in the gold format of
Sources/Analysis/GoldSet.swift. Every call is `split: check`.

Why a third generator: devset/heldout.py was written by the same session that then tuned the rules
while reading its scores, so its numbers are no longer "data nobody tuned to". This file was written
(session 6, issue 13) and committed before any rule change of that session, with its own call
skeletons and phrasing; nothing is copied from generate.py, heldout.py or the lexicons. Rules must
never be tuned on it: bench-analysis prints its accuracy only, never its misses.

Skeletons new here: the customer speaks first (an IVR hand-over: "Hello? Is this billing?"); the
agent reads the problem back ("So if I've got this right ..."); the customer has the last word;
two agent turns in a row; conditional complaint threats ("if it isn't sorted by Friday I'll go to
the ombudsman") next to real complaints ("I want to make a formal complaint"); billing disputes.

Labels follow the conventions of generate.py's LABELS table: churn and sarcasm are negative calls,
a callback promise leaves the call unresolved, an accepted supervisor request or a formal complaint
taken by the agent is escalated, a refused one is unresolved with an escalation_request issue, a
threat made only on a condition that the agent then meets is not an escalation request, average
agents span 2-4. Output is deterministic (seeded per call id): rerun with
    python3 Tests/Fixtures/analysis/devset/fresh.py
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

EN = {
    "brand": {"telecom": "Kestrel Connect", "bank": "Old Quay Building Society", "retail": "Parcelbox", "travel": "Suncrest Holidays",
              "billing": "Brightwater Utilities", "insurance": "Oakfield Mutual"},
    "names": ["Hannah", "Ravi", "Chloe", "Dominic", "Yasmin", "Gareth"],
    # (issue said by the customer, agent's read-back, check asked, answer, fix done, cannot-fix line)
    "problems": {
        "telecom": [("My landline has had a crackle on it for a week and now it's gone completely dead.",
                     "So the landline went crackly and now there's no dial tone at all.",
                     "Have you tried a different handset in the master socket?", "Yes, I borrowed my neighbour's and it's the same.",
                     "There was a wet joint at the exchange. An engineer fixed it this morning and I've just rung your line, it's ringing clearly.",
                     "The test shows a fault outside the house, and I don't have an engineer slot to give you yet.")],
        "bank": [("I paid a bill by online transfer and the money left my account but the company says they never got it.",
                  "So the transfer went out of your account but never reached the payee.",
                  "What was the amount and the day you sent it?", "Two hundred and ten, on Tuesday.",
                  "The payee's sort code had changed and the money bounced to a holding account. I've returned it to you and resent it to the new details.",
                  "The money is with the receiving bank and I can't pull it back from my side.")],
        "retail": [("The sofa I ordered arrived with a big tear down one arm.",
                    "So the sofa was delivered damaged, with a tear on the arm.",
                    "Could you send us a photo of the damage?", "I emailed one last night.",
                    "I've booked a replacement sofa for Thursday and the drivers will take the damaged one away at the same time.",
                    "The photo hasn't reached our system, so I can't approve a replacement today.")],
        "travel": [("You cancelled my package holiday to Crete and I still haven't had my money back.",
                    "So the holiday was cancelled by us and the refund hasn't arrived.",
                    "When did you get the cancellation email?", "Almost five weeks ago now.",
                    "The refund was stuck waiting for a manual approval. I've approved it and the full amount has been sent back to your card.",
                    "Refunds are handled by our finance team and I can't see a date for yours.")],
        "billing": [("I've been charged twice for the same month on my water bill, once by card and once by direct debit.",
                     "So the same month's bill was taken twice, by card and by direct debit.",
                     "Which month was it and roughly how much?", "October, sixty-four pounds both times.",
                     "I've cancelled the duplicate charge and the sixty-four pounds has been credited back to your card.",
                     "I can see both charges, but a duplicate refund has to be approved by the accounts team, not me."),
                    ("My bill shows a standing charge for a meter I had removed in the summer.",
                     "So you're still being charged for a meter that was taken out in the summer.",
                     "Do you have the date the meter was removed?", "The fourteenth of July, the fitter left a note.",
                     "I've closed the old meter on the system from the fourteenth of July and taken those charges off your balance.",
                     "The old meter is still live on our records and I'm not able to close it myself.")],
        "insurance": [("My pet insurance claim for the vet bill was turned down and nobody told me why.",
                       "So the claim for the vet bill was declined without a reason.",
                       "What was the treatment for?", "An ear infection, nothing to do with anything before.",
                       "The claim was declined by mistake as a pre-existing condition. I've overturned that and the payment goes out today.",
                       "The decision was made by the claims assessors and I can't change it.")],
    },
    "ivr_first": ["Hello? Is this the right line for {topic}?", "Hi, hello, have I come through to the right place? The menu was very confusing."],
    "ivr_answer": ["You have, you're speaking with {name} at {brand}. What's happened?", "Yes, this is {brand}, {name} speaking, how can I help?"],
    "open_good": ["Good afternoon, {brand}, this is {name}. What can I sort out for you today?"],
    "open_plain": ["{brand}, hello.", "Yep, {brand}."],
    "empathy": ["That's really not what you want to hear, I'm sorry, let's get it put right.",
                "I'm sorry, I can hear how frustrating this has been for you."],
    "ack_plain": ["Right.", "Okay, let me see."],
    "dismiss": ["Well, that's the policy, I don't make the rules.", "Not much I can do, to be honest, it's out of my hands."],
    "readback_ok": ["Yes, exactly that.", "That's it, yes."],
    "verify_q": ["Just for security, can I take your postcode and the last four digits of your account?"],
    "verify_a": ["It's L S six, four D Y, and the last four are two two nine one."],
    "verify_ok": ["Thank you, that's all matched."],
    "happy": ["Oh brilliant, honestly, thank you, you've made my day.", "That's fantastic, thanks ever so much."],
    "wrap_q": ["Is there anything else I can do for you today?"],
    "wrap_no": ["No, that's everything, thanks again."],
    "bye_good": ["You're welcome, have a lovely rest of your day."],
    "bye_plain": ["Okay, bye.", "Bye then."],
    "customer_bye": ["Right, goodbye.", "Okay, thanks, bye."],
    "negated": ["To be honest that's not much help at all.", "I wouldn't call that good service, would you?"],
    "negated_end": ["I'm not impressed, not one bit.", "No, I'm not happy with that at all."],
    "sarcasm": ["Oh lovely. Five weeks and counting. What a wonderful way to treat people.",
                "Perfect, just perfect, so I get to chase it again. Amazing service as always."],
    "sarcasm_end": ["Yeah, thanks a bunch, really.", "Great. Can't wait."],
    "ticket": ["I've written up a case and it's gone to the team who deal with this."],
    "callback": ["Someone from our {team} team will ring you back by Wednesday lunchtime with an update.",
                 "I'll ask the {team} team to call you within forty-eight hours."],
    "callback_ok": ["Fine, I'll wait for the call then.", "Okay, I'll hold you to that."],
    "teams": ["accounts", "customer care", "specialist"],
    "transfer": ["That one's handled by our {team} team, I'm transferring you to them now, please stay on the line."],
    "transfer_ok": ["Okay, no problem."],
    "anger": ["I'm absolutely livid. This is a complete shambles.", "I am so fed up and angry, this is outrageous."],
    "esc_ask": ["I'd like to speak to your manager, please.", "Can you get me someone more senior? I want your supervisor."],
    "esc_yes": ["Sure, I'll bring my manager onto the call now, bear with me a moment."],
    "esc_no": ["I can't put you through to a manager, I'm afraid, they don't take calls."],
    "esc_no_end": ["That's appalling.", "Ridiculous. Just ridiculous."],
    "reask": ["And what's the account number, please?"],
    "repeat": ["I've already given that number to two people on this line today, I've been through all of it before.",
               "I told the last agent all of this an hour ago, why do I have to say it all over again?"],
    "repeat_end": ["I'm sick of repeating myself, I've called four times about this."],
    "churn": ["I've had enough, I'm switching to a different company as soon as I can.",
              "If this is how you treat customers I'm taking my account elsewhere."],
    "churn_named": ["I'm cancelling and moving to Vodafone, they've been asking me for months."],
    "retention": ["Before you go, I could take ten percent off your next three bills."],
    "retention_no": ["No, a discount isn't going to change my mind."],
    "threat": ["If this isn't sorted out by Friday I will be making a complaint to the ombudsman.",
               "Honestly, if it's not fixed this time I'll complain to the regulator."],
    "complaint": ["I want to make a formal complaint. I'm also reporting this to the ombudsman.",
                  "I'd like to lodge an official complaint about how this has been handled."],
    "complaint_taken": ["I've logged your formal complaint, reference C nine four one, and passed it to our complaints team."],
    "anxious": ["I'm really anxious about this, I need that money for my daughter's school trip on Monday.",
                "I'm so worried, I can't afford to be out of pocket this month."],
    "anxious_end": ["Okay, but I'll be fretting until I see it back."],
    "info_q": {"telecom": ("Can I keep my number if I move house?", "Yes, as long as you stay in the same area code you keep it."),
               "bank": ("Is there a fee for paying in cash at the post office?", "No, paying in at the post office is free for your account."),
               "retail": ("Do you deliver on Saturdays?", "We do, a Saturday slot costs an extra four pounds."),
               "travel": ("Is airport parking included in my package?", "It isn't included, but you can add it in your booking online."),
               "billing": ("What's the reading date on my next bill?", "We'll use a reading from the twentieth of this month."),
               "insurance": ("Does my policy cover my bike if it's stolen from work?", "Yes, bikes are covered away from home up to five hundred pounds.")},
    "info_ok": ["Great, that answers it, thank you.", "Okay, thanks for that."],
    "confused": ["Sorry, I'm lost now, is that the same as the one on my letter or a different one?"],
    "explain": ["It's a different one, the letter is about your old plan."],
    "confused_end": ["Right, I still don't really get it, but fine."],
    "topic": {"telecom": "phone faults", "bank": "payments", "retail": "deliveries", "travel": "bookings", "billing": "billing",
              "insurance": "claims"},
    "asr": {"account": "accounts", "manager": "man ager", "complaint": "complain", "the": "uh the", "refund": "we fund"},
    "fillers": ["erm", "so", "I mean"],
}

TR = {
    "brand": {"telecom": "Vadi Telekom", "bank": "Anadolu Katılım", "retail": "Kargoport", "travel": "Mavi Tur",
              "billing": "Pınar Su", "insurance": "Kale Sigorta"},
    "names": ["Elif", "Burak", "Ceren", "Onur", "Gizem", "Serkan"],
    "problems": {
        "telecom": [("Sabit hattımda bir haftadır cızırtı vardı, şimdi tamamen kesildi.",
                     "Yani hattınız önce cızırdamış, şimdi hiç çevir sesi yok.",
                     "Ana prizde başka bir telefon denediniz mi?", "Evet, komşunun telefonunu denedim, yine aynı.",
                     "Santralde nemlenmiş bir bağlantı varmış. Teknisyen bu sabah onardı, hattınızı az önce aradım, sorunsuz çalıyor.",
                     "Testte arıza evin dışında görünüyor, size verebileceğim bir teknisyen randevusu henüz yok.")],
        "bank": [("İnternetten bir fatura ödedim, para hesabımdan çıktı ama firma ödemenin gelmediğini söylüyor.",
                  "Yani havale hesabınızdan çıkmış ama alıcıya ulaşmamış.",
                  "Tutar ne kadardı, hangi gün gönderdiniz?", "İki yüz on lira, salı günü.",
                  "Alıcının hesap bilgisi değişmiş, para bekleyen bir hesaba düşmüş. Parayı size iade ettim ve yeni hesaba yeniden gönderdim.",
                  "Para karşı bankada, benim tarafımdan geri çekemiyorum.")],
        "retail": [("Sipariş ettiğim kanepe kolunda büyük bir yırtıkla geldi.",
                    "Yani kanepe hasarlı teslim edilmiş, kolunda yırtık var.",
                    "Hasarın bir fotoğrafını gönderebilir misiniz?", "Dün akşam e-postayla gönderdim.",
                    "Perşembe gününe yeni bir kanepe planladım, ekip gelirken hasarlı olanı da alacak.",
                    "Fotoğraf sistemimize düşmemiş, o yüzden bugün değişimi onaylayamıyorum.")],
        "travel": [("Girit tatilimi iptal ettiniz, paramı hâlâ geri alamadım.",
                    "Yani tatil bizim tarafımızdan iptal edilmiş, iade de gelmemiş.",
                    "İptal e-postası size ne zaman ulaştı?", "Neredeyse beş hafta önce.",
                    "İade elle onay bekliyormuş. Onayladım, tutarın tamamı kartınıza geri gönderildi.",
                    "İadelere finans ekibimiz bakıyor, sizinki için bir tarih göremiyorum.")],
        "billing": [("Su faturamda aynı ay için iki kere ödeme alınmış, bir kere kartla bir kere otomatik ödemeyle.",
                     "Yani aynı ayın faturası hem kartla hem otomatik ödemeyle iki kere alınmış.",
                     "Hangi aydı, tutar yaklaşık ne kadardı?", "Ekim ayı, ikisinde de altmış dört lira.",
                     "Mükerrer tahsilatı iptal ettim, altmış dört lira kartınıza geri yüklendi.",
                     "İki tahsilatı da görüyorum ama mükerrer iadeyi muhasebe ekibi onaylıyor, ben yapamıyorum.")],
        "insurance": [("Evcil hayvan sigortamdaki veteriner masrafı talebim reddedildi, kimse de nedenini söylemedi.",
                       "Yani veteriner faturası için açtığınız talep gerekçesiz reddedilmiş.",
                       "Tedavi neyle ilgiliydi?", "Kulak enfeksiyonu, önceki hiçbir şeyle ilgisi yok.",
                       "Talep yanlışlıkla önceden var olan rahatsızlık diye reddedilmiş. Kararı düzelttim, ödeme bugün yapılıyor.",
                       "Kararı hasar uzmanları verdi, ben değiştiremiyorum.")],
    },
    "ivr_first": ["Alo? {topic} için doğru yere mi bağlandım?", "Merhaba, alo, doğru birime mi düştüm? Menü çok karışıktı."],
    "ivr_answer": ["Doğru yerdesiniz, {brand}, ben {name}. Ne oldu, anlatın lütfen.", "Evet, {brand}, ben {name}, nasıl yardımcı olabilirim?"],
    "open_good": ["İyi günler, {brand}, ben {name}. Bugün sizin için ne yapabilirim?"],
    "open_plain": ["{brand}, alo.", "Evet, {brand}."],
    "empathy": ["Bunu duyduğuma çok üzüldüm, kusura bakmayın, hemen düzeltelim.",
                "Özür dilerim, ne kadar can sıkıcı olduğunu anlıyorum."],
    "ack_plain": ["Peki.", "Tamam, bakalım."],
    "dismiss": ["Kural bu, kuralları ben koymuyorum.", "Açıkçası elimden pek bir şey gelmez, benim işim değil."],
    "readback_ok": ["Evet, aynen öyle.", "Evet, o."],
    "verify_q": ["Güvenlik için posta kodunuzu ve hesap numaranızın son dört hanesini alabilir miyim?"],
    "verify_a": ["Otuz dört yedi yüz on, son dört hane iki iki dokuz bir."],
    "verify_ok": ["Teşekkür ederim, bilgiler eşleşti."],
    "happy": ["Ah harika, gerçekten çok teşekkür ederim, günümü güzelleştirdiniz.", "Süper, çok çok teşekkürler."],
    "wrap_q": ["Bugün başka yapabileceğim bir şey var mı?"],
    "wrap_no": ["Yok, hepsi bu, tekrar teşekkürler."],
    "bye_good": ["Rica ederim, günün geri kalanı güzel geçsin."],
    "bye_plain": ["Tamam, iyi günler.", "Hoşça kalın."],
    "customer_bye": ["Peki, hoşça kalın.", "Tamam, sağ olun, görüşmek üzere."],
    "negated": ["Açıkçası bu pek işime yaramadı.", "Buna iyi hizmet denmez, değil mi?"],
    "negated_end": ["Hiç memnun kalmadım, hem de hiç.", "Yok, bundan hiç hoşnut değilim."],
    "sarcasm": ["Aman ne güzel. Beş hafta oldu, hâlâ devam. İnsanlara ne harika davranıyorsunuz.",
                "Mükemmel, tam mükemmel, demek yine peşinden koşacağım. Her zamanki gibi harika hizmet."],
    "sarcasm_end": ["Çok sağ olun yani, gerçekten.", "Harika. Sabırsızlanıyorum."],
    "ticket": ["Bir kayıt oluşturdum, bu konuya bakan ekibe gitti."],
    "callback": ["{team} ekibimizden biri sizi çarşamba öğlene kadar arayıp bilgi verecek.",
                 "{team} ekibinden kırk sekiz saat içinde sizi aramalarını isteyeceğim."],
    "callback_ok": ["Peki, aramayı beklerim o zaman.", "Tamam, sözünüzü tutun ama."],
    "teams": ["Muhasebe", "Müşteri ilişkileri", "Uzman"],
    "transfer": ["Bu konuya {team} ekibimiz bakıyor, sizi şimdi onlara aktarıyorum, lütfen hatta kalın."],
    "transfer_ok": ["Tamam, sorun değil."],
    "anger": ["Çıldıracağım artık. Bu tam bir rezalet.", "Gerçekten çok sinirlendim, bu kabul edilemez."],
    "esc_ask": ["Müdürünüzle görüşmek istiyorum lütfen.", "Bana daha üst birini bağlar mısınız? Amirinizle konuşacağım."],
    "esc_yes": ["Tabii, müdürümü şimdi görüşmeye alıyorum, bir saniye bekleyin."],
    "esc_no": ["Maalesef sizi bir müdüre bağlayamam, telefonla görüşme yapmıyorlar."],
    "esc_no_end": ["Bu rezalet.", "Saçmalık. Düpedüz saçmalık."],
    "reask": ["Hesap numaranız nedir acaba?"],
    "repeat": ["O numarayı bugün bu hatta iki kişiye verdim zaten, hepsini daha önce anlattım.",
               "Bir saat önce önceki temsilciye hepsini anlattım, neden her şeyi yeniden söylemek zorundayım?"],
    "repeat_end": ["Kendimi tekrarlamaktan bıktım, bu konuda dört kez aradım."],
    "churn": ["Yeter artık, ilk fırsatta başka bir firmaya geçiyorum.",
              "Müşterilerinize böyle davranıyorsanız hesabımı başka yere taşıyacağım."],
    "churn_named": ["İptal edip Turkcell'e geçiyorum, aylardır beni arıyorlar zaten."],
    "retention": ["Gitmeden önce, önümüzdeki üç faturanızdan yüzde on indirim yapabilirim."],
    "retention_no": ["Hayır, indirim fikrimi değiştirmez."],
    "threat": ["Cumaya kadar bu düzelmezse tüketici hakem heyetine şikayet edeceğim.",
               "Açıkçası bu sefer de çözülmezse sizi BTK'ya şikayet edeceğim."],
    "complaint": ["Resmi bir şikayette bulunmak istiyorum. Ayrıca tüketici hakem heyetine de başvuruyorum.",
                  "Bu sürecin nasıl yürütüldüğü hakkında resmi şikayet kaydı açtırmak istiyorum."],
    "complaint_taken": ["Resmi şikayetinizi kaydettim, numarası C dokuz dört bir, şikayet ekibimize ilettim."],
    "anxious": ["Bu konuda çok tedirginim, o para pazartesi kızımın okul gezisi için lazım.",
                "Çok endişeleniyorum, bu ay cebimden para çıkmasını kaldıramam."],
    "anxious_end": ["Tamam ama paranın döndüğünü görene kadar içim içimi yiyecek."],
    "info_q": {"telecom": ("Taşınırsam numaramı koruyabilir miyim?", "Evet, aynı alan kodunda kaldığınız sürece numaranız sizde kalır."),
               "bank": ("PTT'den nakit yatırırsam ücret alınıyor mu?", "Hayır, hesabınız için PTT'den yatırma ücretsiz."),
               "retail": ("Cumartesi teslimat yapıyor musunuz?", "Yapıyoruz, cumartesi teslimatı dört lira ek ücretli."),
               "travel": ("Havalimanı otoparkı pakete dahil mi?", "Dahil değil ama rezervasyonunuza internetten ekleyebilirsiniz."),
               "billing": ("Bir sonraki faturamda okuma tarihi ne olacak?", "Bu ayın yirmisindeki okumayı kullanacağız."),
               "insurance": ("Bisikletim iş yerinden çalınırsa poliçem karşılıyor mu?", "Evet, bisikletiniz ev dışında beş yüz liraya kadar güvencede.")},
    "info_ok": ["Güzel, sorumun cevabı buydu, teşekkürler.", "Peki, bilgi için sağ olun."],
    "confused": ["Pardon, şimdi kafam karıştı, bu mektuptaki ile aynı mı yoksa başka mı?"],
    "explain": ["Başka, mektup eski tarifenizle ilgili."],
    "confused_end": ["Peki, hâlâ tam anlamadım ama olsun."],
    "topic": {"telecom": "arıza", "bank": "ödemeler", "retail": "teslimat", "travel": "rezervasyon", "billing": "fatura",
              "insurance": "hasar"},
    "asr": {"fatura": "fatora", "müdür": "mü dür", "şikayet": "şikâyet", "hesap": "hesab", "iade": "iyade"},
    "fillers": ["eee", "yani", "işte"],
}

# Scenario → (sentiment, emotion, issues, repeated or None, status).
LABELS = {
    "fixed": ("positive", "satisfied", [], "0", "resolved"),
    "info": ("neutral", "calm", [], "0", "resolved"),
    "negated": ("negative", "disappointed", [], None, "unresolved"),
    "sarcasm": ("negative", "frustrated", [], None, "unresolved"),
    "callback": ("neutral", "calm", ["callback_promised"], "0", "unresolved"),
    "transfer": ("neutral", "calm", ["transfer"], "0", "transferred"),
    "escalated": ("negative", "angry", ["escalation_request"], None, "escalated"),
    "esc_refused": ("negative", "angry", ["escalation_request"], None, "unresolved"),
    "repeat": ("negative", "frustrated", ["customer_repeats_information"], "1", "unresolved"),
    "churn": ("negative", "disappointed", ["churn_intent"], None, "unresolved"),
    "threat_fixed": ("positive", "satisfied", [], "0", "resolved"),
    "complaint": ("negative", "angry", ["escalation_request"], None, "escalated"),
    "anxious": ("negative", "anxious", [], None, "unresolved"),
    "confused": ("neutral", "confused", [], "0", "unresolved"),
}
SCENARIOS = list(LABELS.keys())
DOMAINS = ["billing", "telecom", "bank", "retail", "travel", "insurance"]
AGENT_RANGE = {"excellent": "4-5", "average": "2-4", "dismissive": "1-2"}


def build_call(lang, n, scenario, domain, quality, mono, noisy):
    P = EN if lang == "en" else TR
    tags = [scenario, domain, quality] + (["mono"] if mono else []) + (["asr"] if noisy else [])
    call_id = f"f{lang}-{n:03d}-" + "-".join(tags)
    rng = random.Random(call_id)
    pick = rng.choice
    brand, name, team, topic = P["brand"][domain], pick(P["names"]), pick(P["teams"]), P["topic"][domain]
    issue, readback, check_q, check_a, fix, notfix = pick(P["problems"][domain])
    fmt = lambda s: s.format(brand=brand, name=name, team=team, topic=topic)
    sentiment, emotion, issues, repeated, status = LABELS[scenario]
    issues, mentions, turns = list(issues), [], []

    def A(text, **kw): turns.append(("A", fmt(text), kw))
    def C(text, **kw): turns.append(("C", fmt(text), kw))

    def react():
        A(pick(P["empathy"]) if quality == "excellent" else pick(P["ack_plain"]) if quality == "average" else pick(P["dismiss"]))

    # Opening: the customer speaks first after an IVR hand-over on about a third of the calls.
    if rng.random() < 0.35:
        C(pick(P["ivr_first"])); A(pick(P["ivr_answer"]) if quality != "dismissive" else pick(P["open_plain"]))
    else:
        A(pick(P["open_good"]) if quality == "excellent" else pick(P["open_plain"]))

    if scenario in ("info", "confused"):
        q, a = P["info_q"][domain]
        C(q); A(a)
        if scenario == "info":
            C(pick(P["info_ok"]))
            if quality == "excellent": A(pick(P["wrap_q"])); C(pick(P["wrap_no"])); A(pick(P["bye_good"]))
            else: C(pick(P["customer_bye"]))
        else:
            C(pick(P["confused"])); A(pick(P["explain"])); C(pick(P["confused_end"]))
        return finish(lang, call_id, scenario, quality, mono, noisy, turns, sentiment, emotion, issues, repeated, mentions, status, rng, P)

    C(issue)
    if scenario == "repeat":
        A(pick(P["reask"])); C(pick(P["repeat"]))
        react(); A(check_q); C(check_a); A(pick(P["ticket"])); C(pick(P["repeat_end"]))
        return finish(lang, call_id, scenario, quality, mono, noisy, turns, sentiment, emotion, issues, repeated, mentions, status, rng, P)

    react()
    # The agent reads the problem back (excellent and average agents), the customer confirms.
    if quality != "dismissive" and rng.random() < 0.6:
        A(readback); C(pick(P["readback_ok"]))
    if quality != "dismissive" and rng.random() < 0.5:
        A(pick(P["verify_q"])); C(pick(P["verify_a"])); A(pick(P["verify_ok"]))
    A(check_q); C(check_a)

    if scenario == "fixed":
        A(fix); C(pick(P["happy"]))
        if quality == "excellent": A(pick(P["wrap_q"])); C(pick(P["wrap_no"])); A(pick(P["bye_good"]))
        else: C(pick(P["customer_bye"]))
    elif scenario == "threat_fixed":
        C(pick(P["threat"])); A(fix); C(pick(P["happy"]))
        if quality == "excellent": A(pick(P["bye_good"]))
    elif scenario == "negated":
        A(notfix); C(pick(P["negated"])); A(pick(P["ticket"])); C(pick(P["negated_end"]))
    elif scenario == "sarcasm":
        A(notfix); A(pick(P["ticket"])); C(pick(P["sarcasm"])); C(pick(P["sarcasm_end"]))
    elif scenario == "callback":
        A(notfix); A(pick(P["callback"])); C(pick(P["callback_ok"])); C(pick(P["customer_bye"]))
    elif scenario == "transfer":
        A(pick(P["transfer"])); C(pick(P["transfer_ok"]))
    elif scenario == "escalated":
        A(notfix); C(pick(P["anger"]) + " " + pick(P["esc_ask"])); A(pick(P["esc_yes"]))
    elif scenario == "esc_refused":
        A(notfix); C(pick(P["anger"])); C(pick(P["esc_ask"])); A(pick(P["esc_no"])); C(pick(P["esc_no_end"]))
    elif scenario == "complaint":
        A(notfix); C(pick(P["anger"])); C(pick(P["complaint"])); A(pick(P["complaint_taken"]))
    elif scenario == "churn":
        A(notfix)
        if domain == "telecom" and rng.random() < 0.5:
            C(pick(P["churn_named"])); mentions.append("vodafone" if lang == "en" else "turkcell")
        else:
            C(pick(P["churn"]))
        A(pick(P["retention"])); C(pick(P["retention_no"]))
    elif scenario == "anxious":
        C(pick(P["anxious"])); A(pick(P["ticket"])); C(pick(P["anxious_end"]))
    return finish(lang, call_id, scenario, quality, mono, noisy, turns, sentiment, emotion, issues, repeated, mentions, status, rng, P)


def finish(lang, call_id, scenario, quality, mono, noisy, turns, sentiment, emotion, issues, repeated, mentions, status, rng, P):
    pick = rng.choice

    def noise(text):
        if not noisy: return text
        for a, b in P["asr"].items():
            if a in text and rng.random() < 0.5: text = text.replace(a, b, 1)
        words = text.split()
        if len(words) > 6 and rng.random() < 0.5: words.insert(rng.randrange(1, len(words)), pick(P["fillers"]))
        text = " ".join(words)
        text = "".join(ch for ch in text if ch not in ",.!?;:")
        return text.lower() if lang == "en" else text.replace("I", "ı").replace("İ", "i").lower()

    out = [f"=== {call_id}", f"lang: {lang}", "split: check", f"sentiment: {sentiment}", f"emotion: {emotion}",
           "issues: " + (", ".join(sorted(set(issues))) if issues else "none")]
    if repeated is not None: out.append(f"repeated: {repeated}")
    out.append("mentions: " + (", ".join(sorted(mentions)) if mentions else "none"))
    out.append("agent: " + AGENT_RANGE[quality])
    out.append(f"status: {status}")
    prev_end = 0.0
    for role, text, kw in turns:
        text = noise(text)
        dur = round(max(1.0, len(text.split()) * 0.33), 1)
        start = round(prev_end + rng.choice([0.1, 0.3, 0.6, 0.8, 1.1]), 1)
        end = round(start + dur, 1)
        out.append(f"{'U' if mono else role} {start:g} {end:g} | {text}")
        prev_end = end
    return "\n".join(out)


def allowed_quality(scenario):
    if scenario in ("fixed", "threat_fixed", "transfer", "callback", "info", "confused"): return ["excellent", "average"]
    if scenario == "esc_refused": return ["average", "dismissive"]
    return ["excellent", "average", "dismissive"]


def generate(lang, count):
    rng = random.Random(f"fresh-{lang}")
    calls = []
    for n in range(count):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        domain = DOMAINS[(n // len(SCENARIOS) * 5 + n) % len(DOMAINS)]
        quality = rng.choice(allowed_quality(scenario))
        mono = rng.random() < 0.25
        noisy = rng.random() < 0.2
        calls.append(build_call(lang, n + 1, scenario, domain, quality, mono, noisy))
    return calls


if __name__ == "__main__":
    for lang, count in (("en", 56), ("tr", 42)):
        calls = generate(lang, count)
        head = (f"# Fresh analysis check set ({lang}), generated by devset/fresh.py — do not edit by hand.\n"
                f"# {len(calls)} calls, all `split: check`: written before the session-6 rule changes, never tuned on.\n")
        with open(os.path.join(HERE, "..", f"fresh-{lang}.txt"), "w", encoding="utf-8") as f:
            f.write(head + "\n" + "\n\n".join(calls) + "\n")
