"""Our own checks, beyond axe-core: engines behind the same contract as axe.

One small module per check, each an :class:`~audits.engines.base.Engine`
registered by name in :mod:`audits.engines` and enabled with ``crawl.engines``:

=================  ===================================================  =========================
engine             rule (WCAG)                                          outcome
=================  ===================================================  =========================
``reflow``         ``reflow`` (1.4.10)                                  violation
``text-spacing``   ``text-spacing`` (1.4.12)                            needs review
``resize-text``    ``resize-text`` (1.4.4)                              needs review
``focus-visible``  ``focus-visible`` (2.4.7)                            violation / needs review
``keyboard-trap``  ``keyboard-trap`` (2.1.2)                            violation
``keyboard-reach`` ``keyboard-unreachable`` (2.1.1)                     needs review
``language``       ``page-language`` (3.1.1), ``part-language`` (3.1.2)  needs review
``media``          ``video-captions`` (1.2.2), ``video-description``    needs review
                   (1.2.3), ``audio-transcript`` (1.2.1)
``navigation``     ``consistent-navigation`` (3.2.3), site level        violation / needs review
``page-title``     ``duplicate-title`` (2.4.2), site level              needs review
``statement``      ``accessibility-statement`` (EU WAD), site level     needs review
=================  ===================================================  =========================

Rules, criteria, impact and help texts are data (``audits/data/checks.json``);
in-page scripts are in ``js/``. A rule whose criteria are not part of the
configured standard is not run. Every check is bounded (capped loops, page
calls bounded by the page timeout) and undoes what it changes in the page.
Site-level rules record facts per page; :mod:`audits.site_checks` judges them
over the stored pages of a site after the crawl.
"""
