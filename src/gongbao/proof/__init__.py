"""Proofreading (公报校对): checkers over parsed gazettes. See :mod:`gongbao.proof.core`."""
